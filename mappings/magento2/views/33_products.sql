-- The product attributes the mappings use, by attribute code, as the shop's default store view sees them: its
-- own value (a store view override, e.g. a price with website price scope), else the admin value (store 0).
-- Texts by language are shop.texts.
WITH own AS (
    SELECT entity_id,
           arg_max(value, store_id) FILTER (WHERE code = 'status') AS status,
           arg_max(value, store_id) FILTER (WHERE code = 'visibility') AS visibility,
           arg_max(value, store_id) FILTER (WHERE code = 'tax_class_id') AS tax_class_id,
           arg_max(value, store_id) FILTER (WHERE code = 'manufacturer') AS manufacturer,
           arg_max(value, store_id) FILTER (WHERE code = 'price') AS price,
           arg_max(value, store_id) FILTER (WHERE code = 'special_price') AS special_price,
           arg_max(value, store_id) FILTER (WHERE code = 'special_from_date') AS special_from_date,
           arg_max(value, store_id) FILTER (WHERE code = 'special_to_date') AS special_to_date,
           arg_max(value, store_id) FILTER (WHERE code = 'cost') AS cost,
           arg_max(value, store_id) FILTER (WHERE code = 'weight') AS weight,
           arg_max(value, store_id) FILTER (WHERE code = 'image') AS image,
           -- a shop may have added a GTIN or an MPN attribute under one of these common codes
           arg_max(value, store_id) FILTER (WHERE code IN ('gtin', 'ean', 'ean13', 'barcode')) AS gtin,
           arg_max(value, store_id) FILTER (WHERE code = 'mpn') AS mpn
    FROM shop.eav_values
    WHERE kind = 'product' AND store_id IN (0, getvariable('store_id'))
    GROUP BY entity_id
)
SELECT r.entity_id, r.link, r.type_id, r.sku, r.created_at, r.updated_at,
       TRY_CAST(o.status AS INTEGER) AS status, TRY_CAST(o.visibility AS INTEGER) AS visibility,
       TRY_CAST(o.tax_class_id AS BIGINT) AS tax_class_id, TRY_CAST(o.manufacturer AS BIGINT) AS manufacturer,
       TRY_CAST(o.price AS DECIMAL(20,6)) AS price, TRY_CAST(o.special_price AS DECIMAL(20,6)) AS special_price,
       TRY_CAST(o.special_from_date AS TIMESTAMP) AS special_from_date, TRY_CAST(o.special_to_date AS TIMESTAMP) AS special_to_date,
       TRY_CAST(o.cost AS DECIMAL(20,6)) AS cost, TRY_CAST(o.weight AS DECIMAL(20,6)) AS weight,
       o.image, o.gtin, o.mpn,
       EXISTS (SELECT 1 FROM src.catalog_product_website w
               WHERE w.product_id = r.entity_id AND w.website_id = getvariable('website_id')) AS in_website
FROM shop.product_rows r
LEFT JOIN own o ON o.entity_id = r.entity_id
