-- OpenCart images of a product: product.image first, then product_image by sort order (paths relative
-- to the shop's image/ folder)
SELECT CAST(product_id AS VARCHAR) AS product_source_id, CAST(product_id AS VARCHAR) || '/1' AS source_id, 1 AS position,
       true AS is_main, 'image/' || image AS url
FROM src.product WHERE coalesce(image, '') <> ''
UNION ALL
SELECT CAST(product_id AS VARCHAR), CAST(product_image_id AS VARCHAR), CAST(1 + row_number() OVER (PARTITION BY product_id ORDER BY sort_order, product_image_id) AS INTEGER),
       false, 'image/' || image
FROM src.product_image WHERE coalesce(image, '') <> ''
