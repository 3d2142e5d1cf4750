-- OpenCart product fields as the shop holds them, named after the package fields they feed
SELECT
    CAST(p.product_id AS VARCHAR) AS source_id,
    p.model AS model,
    p.sku AS sku,
    p.ean AS ean,
    p.mpn AS manufacturer_sku,
    (SELECT d.name FROM src.product_description d WHERE d.product_id = p.product_id
      ORDER BY (d.language_id = getvariable('main_language_id')) DESC, d.language_id LIMIT 1) AS name,
    p.price AS price,
    CAST(p.tax_class_id AS VARCHAR) AS tax_class_source_id,
    CAST(nullif(p.manufacturer_id, 0) AS VARCHAR) AS manufacturer_source_id,
    (SELECT list(CAST(pc.category_id AS VARCHAR) ORDER BY pc.category_id) FROM src.product_to_category pc
      WHERE pc.product_id = p.product_id) AS category_source_ids,
    p.quantity AS quantity,
    p.status AS status,
    CAST(p.weight AS VARCHAR) || ' ' || coalesce((SELECT wd.unit FROM src.weight_class_description wd
      WHERE wd.weight_class_id = p.weight_class_id ORDER BY (wd.language_id = getvariable('main_language_id')) DESC LIMIT 1), '?') AS weight,
    p.date_added AS created_at
FROM (SELECT * FROM (SELECT NULL::VARCHAR AS sku, NULL::VARCHAR AS ean, NULL::VARCHAR AS mpn WHERE false)
      UNION ALL BY NAME SELECT * FROM src.product) p
