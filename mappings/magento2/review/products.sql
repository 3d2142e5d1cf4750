-- Magento product fields as the shop holds them (the admin values, store 0, and the default store view's
-- overrides: shop.products), named after the package fields they feed
SELECT
    CAST(p.entity_id AS VARCHAR) AS source_id,
    p.sku AS sku,
    t.name AS name,
    t.url_key AS slug,
    p.price AS price,
    p.cost AS cost,
    CAST(p.tax_class_id AS VARCHAR) AS tax_class_source_id,
    CAST(p.manufacturer AS VARCHAR) AS manufacturer_source_id,
    (SELECT list(CAST(cp.category_id AS VARCHAR) ORDER BY cp.category_id) FROM src.catalog_category_product cp
      WHERE cp.product_id = p.entity_id) AS category_source_ids,
    s.qty AS quantity,
    p.status AS status,
    p.weight AS weight,
    p.created_at AS created_at
FROM shop.products p
LEFT JOIN shop.texts t ON t.kind = 'product' AND t.entity_id = p.entity_id AND t.lang = (SELECT lang FROM shop.stores WHERE is_default)
LEFT JOIN shop.stock s ON s.entity_id = p.entity_id
