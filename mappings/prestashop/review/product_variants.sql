-- PrestaShop combinations of a product as the shop holds them: the attributes by their public
-- names, the reference, stock of this shop, and the price impact (net, in the shop's currency)
SELECT
    CAST(pa.id_product AS VARCHAR) AS product_source_id,
    CAST(pa.id_product_attribute AS VARCHAR) AS source_id,
    (SELECT string_agg(coalesce(nullif(gl.public_name, ''), gl.name) || ': ' || al.name, ', ' ORDER BY g.position, g.id_attribute_group)
       FROM src.product_attribute_combination pac
       JOIN src.attribute a ON a.id_attribute = pac.id_attribute
       JOIN src.attribute_group g ON g.id_attribute_group = a.id_attribute_group
       LEFT JOIN src.attribute_lang al ON al.id_attribute = a.id_attribute AND al.id_lang = getvariable('main_language_id')
       LEFT JOIN src.attribute_group_lang gl ON gl.id_attribute_group = g.id_attribute_group AND gl.id_lang = getvariable('main_language_id')
      WHERE pac.id_product_attribute = pa.id_product_attribute) AS options,
    pa.reference AS sku,
    pa.ean13 AS ean,
    (SELECT sa.quantity FROM src.stock_available sa WHERE sa.id_product_attribute = pa.id_product_attribute
       ORDER BY (sa.id_shop = getvariable('shop_id')) DESC LIMIT 1) AS quantity,
    pas.price AS price_difference,
    getvariable('shop_currency') AS currency
FROM src.product_attribute pa
LEFT JOIN src.product_attribute_shop pas ON pas.id_product_attribute = pa.id_product_attribute AND pas.id_shop = getvariable('shop_id')
