-- entity: manufacturers
-- reads: term_taxonomy, terms, termmeta, posts, postmeta (attachments)
-- Brands are a taxonomy: product_brand (WooCommerce core since 9.4, and the older WooCommerce Brands
-- extension), or the plugins' pwb-brand (Perfect Brands) and yith_product_brand (YITH). None of them: no rows.
-- The logo is an attachment id in termmeta (thumbnail_id; pwb_brand_image for Perfect Brands).
WITH logo AS (
    SELECT tm.term_id, min(TRY_CAST(tm.meta_value AS BIGINT)) AS attachment_id
    FROM src.termmeta tm WHERE tm.meta_key IN ('thumbnail_id', 'pwb_brand_image') AND TRY_CAST(tm.meta_value AS BIGINT) > 0
    GROUP BY tm.term_id
),
files AS (
    SELECT p.ID, coalesce(
        CASE WHEN f.meta_value LIKE 'http%' THEN f.meta_value
             WHEN blank_null(f.meta_value) IS NOT NULL THEN getvariable('uploads_url') || '/' || f.meta_value END,
        blank_null(p.guid)) AS url
    FROM src.posts p LEFT JOIN src.postmeta f ON f.post_id = p.ID AND f.meta_key = '_wp_attached_file'
    WHERE p.post_type = 'attachment'
)
SELECT
    sid(t.term_id) AS source_id,
    html_decode(t.name) AS name,
    MAP {'no': coalesce(slugify(url_decode(t.slug)), slugify(html_decode(t.name)), sid(t.term_id))} AS slug,
    CASE WHEN blank_null(tt.description) IS NOT NULL THEN MAP {'no': tt.description} END AS description,
    f.url AS image_source_url,
    TRY_CAST((SELECT max(meta_value) FROM src.termmeta o WHERE o.term_id = t.term_id AND o.meta_key = 'order') AS INTEGER) AS sort
FROM src.term_taxonomy tt
JOIN src.terms t ON t.term_id = tt.term_id
LEFT JOIN logo l ON l.term_id = t.term_id
LEFT JOIN files f ON f.ID = l.attachment_id
WHERE tt.taxonomy IN ('product_brand', 'pwb-brand', 'yith_product_brand')
