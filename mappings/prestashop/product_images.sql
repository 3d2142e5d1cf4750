-- entity: product_images
-- reads: image, image_shop, product_attribute_image, product_attribute, product_shop, product_lang
-- PrestaShop keeps the original upload of image 123 at img/p/1/2/3/123.jpg (one folder per
-- digit of the id). Product images: the shop's cover first, then by position. Each image a
-- combination uses (product_attribute_image) is repeated as a variant image, source_id
-- '<id_image>/variant/<id_product_attribute>', with the same file and name, positions counted
-- per combination (cover first, then position).
WITH imgs AS (
    SELECT i.id_image, i.id_product, i.position,
           coalesce(ish.cover, i.cover, 0) = 1 AS is_cover,
           'img/p/' || array_to_string(string_split(CAST(i.id_image AS VARCHAR), ''), '/') || '/' || i.id_image || '.jpg' AS source_url
    FROM src.image i
    JOIN src.image_shop ish ON ish.id_image = i.id_image AND ish.id_shop = getvariable('shop_id')
    JOIN src.product_shop ps ON ps.id_product = i.id_product AND ps.id_shop = getvariable('shop_id')
),
names AS (
    SELECT id_product, coalesce(slugify(link_rewrite), slugify(name), 'product-' || id_product) AS base
    FROM src.product_lang
    WHERE id_shop = getvariable('shop_id') AND id_lang = getvariable('main_language_id')
),
product_rows AS (
    SELECT sid(i.id_image) AS source_id,
           sid(i.id_product) AS product_source_id,
           NULL::VARCHAR AS variant_source_id,
           CAST(row_number() OVER (PARTITION BY i.id_product ORDER BY i.is_cover DESC, i.position, i.id_image) AS INTEGER) AS position,
           i.source_url,
           coalesce(n.base, 'product-' || i.id_product) || '-' || i.id_image || '.jpg' AS filename
    FROM imgs i LEFT JOIN names n USING (id_product)
),
variant_rows AS (
    SELECT sid(i.id_image) || '/variant/' || pai.id_product_attribute AS source_id,
           sid(i.id_product) AS product_source_id,
           sid(pai.id_product_attribute) AS variant_source_id,
           CAST(row_number() OVER (PARTITION BY pai.id_product_attribute ORDER BY i.is_cover DESC, i.position, i.id_image) AS INTEGER) AS position,
           i.source_url,
           coalesce(n.base, 'product-' || i.id_product) || '-' || i.id_image || '.jpg' AS filename
    FROM src.product_attribute_image pai
    JOIN src.product_attribute pa ON pa.id_product_attribute = pai.id_product_attribute
    JOIN imgs i ON i.id_image = pai.id_image AND i.id_product = pa.id_product
    LEFT JOIN names n ON n.id_product = i.id_product
)
SELECT *,
       CASE WHEN position > 8 THEN 'position@IMAGE_ABOVE_8: Mystore keeps eight images per product; this one is in the package but not loaded' END AS _warn
FROM product_rows
UNION ALL
SELECT *, NULL AS _warn FROM variant_rows
