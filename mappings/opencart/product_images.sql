-- entity: product_images
-- reads: product, product_image
-- product.image is the main image (position 1, source_id '<product_id>/1'), then product_image by
-- sort_order. Paths are relative to OpenCart's image/ folder (catalog/... in 2+, data/... in 1.5).
-- An extra image repeating the main one (or another extra image) is left out.
-- OpenCart 4 variant products are variants of their master: their images are variant images.
WITH p AS (
    SELECT * FROM (SELECT NULL::BIGINT AS master_id WHERE false) UNION ALL BY NAME SELECT * FROM src.product
),
owner AS (
    SELECT product_id,
           CASE WHEN coalesce(master_id, 0) > 0 AND master_id IN (SELECT product_id FROM src.product) THEN master_id ELSE product_id END AS parent_id,
           CASE WHEN coalesce(master_id, 0) > 0 AND master_id IN (SELECT product_id FROM src.product) THEN 'product:' || product_id END AS variant_id,
           blank_null(image) AS image
    FROM p
),
all_images AS (
    SELECT o.product_id, o.parent_id, o.variant_id, sid(o.product_id) || '/1' AS source_id, o.image, 0 AS main_first, 0 AS sort_order, 0 AS image_id
    FROM owner o WHERE o.image IS NOT NULL
    UNION ALL
    SELECT o.product_id, o.parent_id, o.variant_id, sid(i.product_image_id), blank_null(i.image), 1, CAST(i.sort_order AS BIGINT), CAST(i.product_image_id AS BIGINT)
    FROM src.product_image i JOIN owner o ON o.product_id = i.product_id
    WHERE blank_null(i.image) IS NOT NULL
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY product_id, image ORDER BY main_first, sort_order, image_id) AS dup
    FROM all_images
)
SELECT
    source_id,
    sid(parent_id) AS product_source_id,
    variant_id AS variant_source_id,
    CAST(row_number() OVER (PARTITION BY product_id, dup = 1 ORDER BY main_first, sort_order, image_id) AS INTEGER) AS position,
    'image/' || trim(image) AS source_url,
    CAST(NULL AS VARCHAR) AS filename,
    CASE WHEN dup > 1 THEN 'DUPLICATE_IMAGE: ' || image || ' is already an image of product ' || product_id END AS _skip,
    CASE WHEN dup = 1 AND position > 8 THEN 'position@IMAGE_ABOVE_8: image ' || position || ' of the product; Mystore keeps eight, not loaded' END AS _warn
FROM ranked
