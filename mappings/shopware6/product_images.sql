-- entity: product_images
-- reads: product_media, product, media
-- A product's media (product_media of the live product), its cover (product.product_media_id)
-- first, then by position. A variant with media of its own has them as variant images (positions
-- counted per variant, its cover first); a variant without media shows its parent's (Shopware's
-- inheritance) and has no rows of its own. The file is the media's path from the shop root
-- (shop.media_files, views/: media.path in 6.5+, built from the id in 6.4).
WITH live AS (
    SELECT * FROM src.product WHERE version_id = getvariable('live_version')
),
rows AS (
    SELECT pm.id, p.id AS owner_id, coalesce(p.parent_id, p.id) AS product_id,
           CASE WHEN p.parent_id IS NOT NULL THEN p.id END AS variant_id,
           pm.id = p.product_media_id AS is_cover, pm.position, m.path, m.filename
    FROM src.product_media pm
    JOIN live p ON p.id = pm.product_id AND p.version_id = pm.product_version_id
    JOIN shop.media_files m ON m.id = pm.media_id
    WHERE pm.version_id = getvariable('live_version')
),
numbered AS (
    SELECT *, CAST(row_number() OVER (PARTITION BY owner_id ORDER BY is_cover DESC, position, id) AS INTEGER) AS n FROM rows
)
SELECT
    lower(hex(id)) AS source_id,
    lower(hex(product_id)) AS product_source_id,
    lower(hex(variant_id)) AS variant_source_id,
    n AS position,
    path AS source_url,
    filename,
    CASE WHEN n > 8 THEN 'position@IMAGE_ABOVE_8: Mystore keeps eight images per product; this one is in the package but not loaded' END AS _warn
FROM numbered
