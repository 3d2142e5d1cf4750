-- WooCommerce product images: the featured image (_thumbnail_id) first, then the gallery; the file as
-- WordPress serves it (the uploads URL and _wp_attached_file, else the attachment's guid)
WITH refs AS (
    SELECT m.post_id, TRY_CAST(trim(m.meta_value) AS BIGINT) AS attachment_id, 0 AS ord
    FROM src.postmeta m WHERE m.meta_key = '_thumbnail_id'
    UNION ALL
    SELECT m.post_id, TRY_CAST(trim(g.id) AS BIGINT), g.pos
    FROM src.postmeta m, unnest(string_split(m.meta_value, ',')) WITH ORDINALITY g(id, pos)
    WHERE m.meta_key = '_product_image_gallery'
)
SELECT
    CAST(r.post_id AS VARCHAR) AS product_source_id,
    CAST(r.attachment_id AS VARCHAR) AS source_id,
    CAST(r.ord + 1 AS INTEGER) AS position,
    r.ord = 0 AS is_main,
    coalesce(getvariable('uploads_url') || '/' || (SELECT max(f.meta_value) FROM src.postmeta f
                                                    WHERE f.post_id = r.attachment_id AND f.meta_key = '_wp_attached_file'),
             a.guid) AS url
FROM refs r
JOIN src.posts p ON p.ID = r.post_id AND p.post_type = 'product'
LEFT JOIN src.posts a ON a.ID = r.attachment_id
WHERE r.attachment_id > 0
