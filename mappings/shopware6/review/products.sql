-- Shopware product fields as the shop holds them (system language texts, the system currency's price JSON entry)
SELECT
    lower(hex(p.id)) AS source_id,
    p.product_number AS sku,
    p.ean AS ean,
    t.name AS name,
    json_extract_string(p.price, '$."' || getvariable('price_key') || '"') AS price,
    lower(hex(p.tax_id)) AS tax_class_source_id,
    lower(hex(p.product_manufacturer_id)) AS manufacturer_source_id,
    p.category_tree AS category_source_ids,
    p.stock AS quantity,
    p.active AS status,
    p.weight AS weight,
    p.created_at AS created_at
FROM src.product p
LEFT JOIN src.product_translation t ON t.product_id = p.id AND t.product_version_id = p.version_id
     AND t.language_id = getvariable('system_language')
WHERE p.version_id = getvariable('live_version') AND p.parent_id IS NULL
