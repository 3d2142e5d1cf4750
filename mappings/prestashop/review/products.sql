-- PrestaShop product fields as the shop holds them, named after the package fields they feed
SELECT
    CAST(p.id_product AS VARCHAR) AS source_id,
    p.reference AS sku,
    p.ean13 AS ean,
    pl.name AS name,
    pl.link_rewrite AS slug,
    ps.price AS price,
    ps.wholesale_price AS cost,
    CAST(ps.id_tax_rules_group AS VARCHAR) AS tax_class_source_id,
    CAST(nullif(p.id_manufacturer, 0) AS VARCHAR) AS manufacturer_source_id,
    (SELECT list(CAST(cp.id_category AS VARCHAR) ORDER BY cp.id_category) FROM src.category_product cp WHERE cp.id_product = p.id_product) AS category_source_ids,
    (SELECT sa.quantity FROM src.stock_available sa WHERE sa.id_product = p.id_product AND sa.id_product_attribute = 0
       ORDER BY (sa.id_shop = getvariable('shop_id')) DESC LIMIT 1) AS quantity,
    ps.active AS status,
    p.weight AS weight,
    p.date_add AS created_at
FROM src.product p
JOIN src.product_shop ps ON ps.id_product = p.id_product AND ps.id_shop = getvariable('shop_id')
LEFT JOIN src.product_lang pl ON pl.id_product = p.id_product AND pl.id_shop = getvariable('shop_id')
                             AND pl.id_lang = getvariable('main_language_id')
