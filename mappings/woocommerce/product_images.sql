-- entity: product_images
-- reads: posts (attachments), postmeta (_thumbnail_id, _product_image_gallery, _wp_attached_file); pkg.products, pkg.product_variants
-- The main image is the attachment in _thumbnail_id, the others the comma-separated attachment ids in
-- _product_image_gallery, in that order (the main image is not repeated). A variation's _thumbnail_id is a
-- variant image. The file is _wp_attached_file under the uploads URL (the site URL of the dump; the
-- attachment guid, fixed at upload time, only when the file meta is missing).
-- source_id '<product or variation id>/<attachment id>': an attachment may serve several products.
WITH refs AS (
    SELECT m.post_id AS owner_id, TRY_CAST(trim(m.meta_value) AS BIGINT) AS attachment_id, 0 AS ord
    FROM src.postmeta m WHERE m.meta_key = '_thumbnail_id'
    UNION ALL
    SELECT m.post_id, TRY_CAST(trim(g.id) AS BIGINT), g.pos
    FROM src.postmeta m, unnest(string_split(m.meta_value, ',')) WITH ORDINALITY g(id, pos)
    WHERE m.meta_key = '_product_image_gallery'
),
owned AS (
    SELECT r.*, pp.source_id AS product_source_id, NULL::VARCHAR AS variant_source_id
    FROM refs r JOIN pkg.products pp ON pp.source_id = sid(r.owner_id)
    UNION ALL
    SELECT r.*, pv.product_source_id, pv.source_id
    FROM refs r JOIN pkg.product_variants pv ON pv.source_id = sid(r.owner_id) AND r.ord = 0
),
dedup AS (
    SELECT *, row_number() OVER (PARTITION BY owner_id, attachment_id ORDER BY ord) AS dup
    FROM owned WHERE attachment_id > 0
),
files AS (
    SELECT a.ID, a.guid, f.meta_value AS attached_file
    FROM src.posts a LEFT JOIN src.postmeta f ON f.post_id = a.ID AND f.meta_key = '_wp_attached_file'
    WHERE a.post_type = 'attachment'
)
SELECT
    sid(d.owner_id) || '/' || d.attachment_id AS source_id,
    d.product_source_id,
    d.variant_source_id,
    CAST(row_number() OVER (PARTITION BY d.owner_id ORDER BY d.ord, d.attachment_id) AS INTEGER) AS position,
    coalesce(CASE WHEN f.attached_file LIKE 'http%' THEN f.attached_file
                  WHEN blank_null(f.attached_file) IS NOT NULL THEN getvariable('uploads_url') || '/' || f.attached_file END,
             blank_null(f.guid), 'attachment-' || d.attachment_id) AS source_url,
    regexp_replace(sid(d.owner_id) || '-' || regexp_extract(coalesce(blank_null(f.attached_file), f.guid, ''), '([^/]*)$', 1),
                   '[^A-Za-z0-9._-]', '-', 'g') AS filename,
    CASE WHEN f.ID IS NULL THEN 'IMAGE_MISSING: post ' || d.attachment_id || ' is not an attachment in the dump' END AS _skip
FROM dedup d
LEFT JOIN files f ON f.ID = d.attachment_id
WHERE d.dup = 1
