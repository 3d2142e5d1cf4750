-- Every EAV value of products and categories in one shape: kind ('product', 'category'), the entity (not the
-- Commerce row), attribute id and code, store view and value as text (a decimal or a date reads back exactly).
-- A blank value is no value. The value tables' link column is entity_id, or row_id in Commerce.
WITH attr AS (
    SELECT attribute_id, entity, attribute_code AS code FROM shop.attributes WHERE entity IN ('catalog_product', 'catalog_category')
),
product_values AS (
    SELECT coalesce(row_id, entity_id) AS link, attribute_id, store_id, CAST(value AS VARCHAR) AS value FROM src.catalog_product_entity_varchar
    UNION ALL SELECT coalesce(row_id, entity_id), attribute_id, store_id, CAST(value AS VARCHAR) FROM src.catalog_product_entity_int
    UNION ALL SELECT coalesce(row_id, entity_id), attribute_id, store_id, CAST(value AS VARCHAR) FROM src.catalog_product_entity_decimal
    UNION ALL SELECT coalesce(row_id, entity_id), attribute_id, store_id, CAST(value AS VARCHAR) FROM src.catalog_product_entity_text
    UNION ALL SELECT coalesce(row_id, entity_id), attribute_id, store_id, CAST(value AS VARCHAR) FROM src.catalog_product_entity_datetime
),
category_values AS (
    SELECT coalesce(row_id, entity_id) AS link, attribute_id, store_id, CAST(value AS VARCHAR) AS value FROM src.catalog_category_entity_varchar
    UNION ALL SELECT coalesce(row_id, entity_id), attribute_id, store_id, CAST(value AS VARCHAR) FROM src.catalog_category_entity_int
    UNION ALL SELECT coalesce(row_id, entity_id), attribute_id, store_id, CAST(value AS VARCHAR) FROM src.catalog_category_entity_text
)
SELECT 'product' AS kind, r.entity_id, v.attribute_id, a.code, v.store_id, v.value
FROM product_values v JOIN shop.product_rows r ON r.link = v.link JOIN attr a ON a.attribute_id = v.attribute_id AND a.entity = 'catalog_product'
WHERE blank_null(v.value) IS NOT NULL
UNION ALL
SELECT 'category', r.entity_id, v.attribute_id, a.code, v.store_id, v.value
FROM category_values v JOIN shop.category_rows r ON r.link = v.link JOIN attr a ON a.attribute_id = v.attribute_id AND a.entity = 'catalog_category'
WHERE blank_null(v.value) IS NOT NULL
