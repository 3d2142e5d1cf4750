-- PrestaShop images of a product: the original upload's path (img/p/1/2/3/123.jpg, relative to the
-- shop root), the cover first
SELECT
    CAST(i.id_product AS VARCHAR) AS product_source_id,
    CAST(i.id_image AS VARCHAR) AS source_id,
    i.position AS position,
    coalesce(ish.cover, i.cover, 0) = 1 AS is_main,
    'img/p/' || array_to_string(string_split(CAST(i.id_image AS VARCHAR), ''), '/') || '/' || i.id_image || '.jpg' AS url
FROM src.image i
LEFT JOIN src.image_shop ish ON ish.id_image = i.id_image AND ish.id_shop = getvariable('shop_id')
