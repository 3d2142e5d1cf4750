-- OpenCart products as the shop holds them, in the owner's terms the report compares: names instead
-- of ids (category paths in the main language, the manufacturer, the tax class with the percent
-- rates OpenCart charges in the shop's country), the price net as OpenCart keeps it and with that
-- rate, the shop's currency, the weight in its weight class's unit, dates as instants
WITH RECURSIVE p AS (
    SELECT * FROM (SELECT NULL::BIGINT AS master_id, NULL::VARCHAR AS sku, NULL::VARCHAR AS ean, NULL::VARCHAR AS mpn WHERE false)
    UNION ALL BY NAME SELECT * FROM src.product
),
codes AS (  -- OpenCart 4.1 keeps SKU, EAN and MPN in product_code
    SELECT product_id, max(value) FILTER (WHERE lower(code) = 'sku') AS sku, max(value) FILTER (WHERE lower(code) = 'ean') AS ean,
           max(value) FILTER (WHERE lower(code) = 'mpn') AS mpn
    FROM src.product_code GROUP BY product_id
),
store_geo_zones AS (
    SELECT DISTINCT geo_zone_id FROM src.zone_to_geo_zone
    WHERE country_id = getvariable('store_country_id') AND coalesce(zone_id, 0) IN (0, coalesce(getvariable('store_zone_id'), 0))
),
rates AS (  -- the percent rates of a class charged in the shop's country
    SELECT r.tax_class_id, sum(DISTINCT CAST(t.rate AS DECIMAL(15,4))) AS rate
    FROM src.tax_rule r JOIN src.tax_rate t ON t.tax_rate_id = r.tax_rate_id
    WHERE upper(t.type) = 'P' AND t.geo_zone_id IN (SELECT geo_zone_id FROM store_geo_zones)
    GROUP BY r.tax_class_id
),
cat AS (
    SELECT c.category_id, c.parent_id,
           (SELECT html_decode(d.name) FROM src.category_description d WHERE d.category_id = c.category_id
             ORDER BY (d.language_id = getvariable('main_language_id')) DESC, d.language_id LIMIT 1) AS name
    FROM src.category c
),
walk AS (
    SELECT category_id, parent_id, [name] AS path, 0 AS depth FROM cat
    UNION ALL
    SELECT w.category_id, c.parent_id, list_prepend(c.name, w.path), w.depth + 1
    FROM walk w JOIN cat c ON c.category_id = w.parent_id WHERE w.depth < 30
),
paths AS (SELECT category_id, arg_max(array_to_string(path, ' > '), depth) AS path FROM walk GROUP BY category_id),
seo AS (  -- the SEO keyword of the default store: seo_url (2.x+: query, 4.x: key/value) or url_alias (1.5)
    SELECT CAST(language_id AS BIGINT) AS language_id, coalesce(query, "key" || '=' || value) AS query, keyword
    FROM (SELECT NULL::BIGINT AS store_id, NULL::BIGINT AS language_id, NULL::VARCHAR AS query, NULL::VARCHAR AS "key",
                 NULL::VARCHAR AS value, NULL::VARCHAR AS keyword WHERE false
          UNION ALL BY NAME SELECT * FROM src.seo_url)
    WHERE coalesce(CAST(store_id AS BIGINT), 0) = 0
    UNION ALL
    SELECT getvariable('main_language_id'), query, keyword FROM src.url_alias
)
SELECT
    CAST(p.product_id AS VARCHAR) AS source_id,
    (SELECT html_decode(d.name) FROM src.product_description d WHERE d.product_id = p.product_id
      ORDER BY (d.language_id = getvariable('main_language_id')) DESC, d.language_id LIMIT 1) AS name,
    coalesce(nullif(coalesce(co.sku, p.sku), ''), p.model) AS sku,
    coalesce(co.ean, p.ean) AS ean,
    coalesce(co.mpn, p.mpn) AS manufacturer_sku,
    (SELECT s.keyword FROM seo s WHERE s.query = 'product_id=' || p.product_id
      ORDER BY (s.language_id = getvariable('main_language_id')) DESC, s.language_id LIMIT 1) AS slug,
    p.price AS price_net,
    gross(p.price, CASE WHEN p.tax_class_id = 0 THEN 0 ELSE r.rate END) AS price_gross,
    CASE WHEN p.tax_class_id = 0 THEN 0 ELSE r.rate END AS tax_rate,
    CASE WHEN p.tax_class_id = 0 THEN 'ingen' ELSE (SELECT html_decode(title) FROM src.tax_class tc WHERE tc.tax_class_id = p.tax_class_id) END AS tax_class,
    getvariable('shop_currency') AS currency,
    (SELECT html_decode(m.name) FROM src.manufacturer m WHERE m.manufacturer_id = p.manufacturer_id) AS manufacturer,
    (SELECT list(pa.path ORDER BY pc.category_id) FROM src.product_to_category pc JOIN paths pa ON pa.category_id = pc.category_id
      WHERE pc.product_id = p.product_id) AS categories,
    p.quantity AS quantity,
    true AS stock_tracked,
    p.status = 1 AS status,
    p.weight AS weight,
    (SELECT wd.unit FROM src.weight_class_description wd WHERE wd.weight_class_id = p.weight_class_id
      ORDER BY (wd.language_id = getvariable('main_language_id')) DESC LIMIT 1) AS weight_unit,
    utc(p.date_available) AS date_available,
    utc(p.date_added) AS created_at
FROM p
LEFT JOIN codes co ON co.product_id = p.product_id
LEFT JOIN rates r ON r.tax_class_id = p.tax_class_id
