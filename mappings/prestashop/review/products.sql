-- PrestaShop products as the shop holds them (this shop, main language), in the owner's terms the
-- report compares: names instead of ids (category paths without Root and Home, the manufacturer,
-- the tax rules group with its rate for the shop's country), the price net as PrestaShop keeps it
-- and with that rate, the shop's currency, weight in PS_WEIGHT_UNIT (as platform.toml reads it), dates as instants.
WITH RECURSIVE rates AS (
    SELECT r.id_tax_rules_group, t.rate,
           row_number() OVER (PARTITION BY r.id_tax_rules_group
                              ORDER BY (r.id_country = getvariable('default_country_id')) DESC, (r.id_state = 0) DESC,
                                       (t.deleted = 0) DESC, r.id_tax_rule) AS pick
    FROM src.tax_rule r JOIN src.tax t ON t.id_tax = r.id_tax
),
cat AS (
    SELECT c.id_category, c.id_parent, (c.id_parent = 0 OR c.is_root_category = 1) AS is_root,
           (SELECT max(cl.name) FROM src.category_lang cl WHERE cl.id_category = c.id_category
              AND cl.id_lang = getvariable('main_language_id') AND cl.id_shop = getvariable('shop_id')) AS name
    FROM src.category c
),
walk AS (  -- each category's path, built up towards the root
    SELECT id_category, id_parent, [name] AS path, 0 AS depth FROM cat WHERE NOT is_root
    UNION ALL
    SELECT w.id_category, c.id_parent, list_prepend(c.name, w.path), w.depth + 1
    FROM walk w JOIN cat c ON c.id_category = w.id_parent
    WHERE NOT c.is_root AND w.depth < 30
),
paths AS (SELECT id_category, arg_max(array_to_string(path, ' > '), depth) AS path FROM walk GROUP BY id_category)
SELECT
    CAST(p.id_product AS VARCHAR) AS source_id,
    pl.name AS name,
    p.reference AS sku,
    p.ean13 AS ean,
    to_json(p)->>'mpn' AS manufacturer_sku,
    pl.link_rewrite AS slug,
    ps.price AS price_net,
    gross(ps.price, r.rate) AS price_gross,
    r.rate AS tax_rate,
    coalesce(trg.name, CASE WHEN ps.id_tax_rules_group > 0 THEN 'nr. ' || ps.id_tax_rules_group || ' (finnes ikke i databasen)' END) AS tax_class,
    getvariable('shop_currency') AS currency,
    ps.wholesale_price AS cost,
    m.name AS manufacturer,
    (SELECT list(pa.path ORDER BY (cp.id_category = ps.id_category_default) DESC, cp.id_category)
       FROM src.category_product cp JOIN paths pa ON pa.id_category = cp.id_category WHERE cp.id_product = p.id_product) AS categories,
    (SELECT sa.quantity FROM src.stock_available sa WHERE sa.id_product = p.id_product AND sa.id_product_attribute = 0
       ORDER BY (sa.id_shop = getvariable('shop_id')) DESC LIMIT 1) AS quantity,
    getvariable('stock_managed') AS stock_tracked,
    ps.active = 1 AS status,
    ps.visibility AS visibility,
    p.weight AS weight,
    CASE getvariable('weight_grams') WHEN 1 THEN 'g' WHEN 1000 THEN 'kg' WHEN 453.59237 THEN 'lb' WHEN 28.349523125 THEN 'oz' END AS weight_unit,
    utc(ps.available_date) AS date_available,
    utc(p.date_add) AS created_at
FROM src.product p
JOIN src.product_shop ps ON ps.id_product = p.id_product AND ps.id_shop = getvariable('shop_id')
LEFT JOIN src.product_lang pl ON pl.id_product = p.id_product AND pl.id_shop = getvariable('shop_id')
                             AND pl.id_lang = getvariable('main_language_id')
LEFT JOIN rates r ON r.id_tax_rules_group = ps.id_tax_rules_group AND r.pick = 1
LEFT JOIN src.tax_rules_group trg ON trg.id_tax_rules_group = ps.id_tax_rules_group
LEFT JOIN src.manufacturer m ON m.id_manufacturer = p.id_manufacturer
