-- WooCommerce products as the shop holds them (post + postmeta), in the owner's terms the report
-- compares: names instead of ids (product_cat paths, the brand, the tax class with its rate for
-- Norway or all countries), the regular price as entered (with VAT when the shop enters prices
-- with VAT; a variable product's is its lowest variation price) both net and gross, the weight in
-- the shop's unit, dates as instants (the GMT columns)
WITH RECURSIVE meta AS (
    SELECT m.post_id,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_sku') AS sku,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_global_unique_id') AS gtin,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_regular_price') AS regular_price,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_tax_class') AS tax_class,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_tax_status') AS tax_status,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_manage_stock') AS manage_stock,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_stock') AS stock,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_weight') AS weight
    FROM src.postmeta m
    WHERE m.post_id IN (SELECT ID FROM src.posts WHERE post_type IN ('product', 'product_variation'))
    GROUP BY m.post_id
),
lowest AS (  -- a variable product's price: its lowest variation regular price
    SELECT v.post_parent AS id, min(TRY_CAST(blank_null(m.regular_price) AS DECIMAL(18,6))) AS price
    FROM src.posts v JOIN meta m ON m.post_id = v.ID
    WHERE v.post_type = 'product_variation' GROUP BY v.post_parent
),
rates AS (  -- a class's rate for Norway, else for every country
    SELECT tax_rate_class AS slug, TRY_CAST(tax_rate AS DECIMAL(9,4)) AS rate,
           row_number() OVER (PARTITION BY tax_rate_class ORDER BY (tax_rate_country = 'NO') DESC, (tax_rate_state = '') DESC,
                              tax_rate_priority, tax_rate_order, tax_rate_id) AS pick
    FROM src.woocommerce_tax_rates WHERE upper(tax_rate_country) IN ('NO', '')
),
class_names AS (
    SELECT slug, min(name) AS name FROM (SELECT '' AS slug, 'Standard' AS name UNION ALL SELECT slug, name FROM src.wc_tax_rate_classes)
    GROUP BY slug
),
cat AS (
    SELECT tt.term_id, tt.parent, html_decode(t.name) AS name
    FROM src.term_taxonomy tt JOIN src.terms t ON t.term_id = tt.term_id WHERE tt.taxonomy = 'product_cat'
),
walk AS (
    SELECT term_id, parent, [name] AS path, 0 AS depth FROM cat
    UNION ALL
    SELECT w.term_id, c.parent, list_prepend(c.name, w.path), w.depth + 1
    FROM walk w JOIN cat c ON c.term_id = w.parent WHERE w.depth < 30
),
paths AS (SELECT term_id, arg_max(array_to_string(path, ' > '), depth) AS path FROM walk GROUP BY term_id),
terms AS (
    SELECT r.object_id, tt.taxonomy, t.term_id, html_decode(t.name) AS name
    FROM src.term_relationships r
    JOIN src.term_taxonomy tt ON tt.term_taxonomy_id = r.term_taxonomy_id
    JOIN src.terms t ON t.term_id = tt.term_id
    WHERE tt.taxonomy IN ('product_cat', 'product_brand', 'pwb-brand', 'yith_product_brand')
),
p AS (
    SELECT p.*, m.*,
           coalesce(TRY_CAST(blank_null(m.regular_price) AS DECIMAL(18,6)), l.price) AS entered,
           CASE WHEN m.tax_status = 'none' THEN 0 ELSE r.rate END AS rate,
           CASE WHEN m.tax_status = 'none' THEN 'ingen (ikke avgiftspliktig)' ELSE coalesce(cn.name, m.tax_class, 'Standard') END AS class_name
    FROM src.posts p
    LEFT JOIN meta m ON m.post_id = p.ID
    LEFT JOIN lowest l ON l.id = p.ID
    LEFT JOIN rates r ON r.slug = coalesce(m.tax_class, '') AND r.pick = 1
    LEFT JOIN class_names cn ON cn.slug = coalesce(m.tax_class, '')
    WHERE p.post_type = 'product'
)
SELECT
    CAST(p.ID AS VARCHAR) AS source_id,
    html_decode(p.post_title) AS name,
    p.sku AS sku,
    p.gtin AS ean,
    p.post_name AS slug,
    CASE WHEN getvariable('prices_include_tax') THEN net(p.entered, p.rate) ELSE p.entered END AS price_net,
    CASE WHEN getvariable('prices_include_tax') THEN p.entered ELSE gross(p.entered, p.rate) END AS price_gross,
    p.rate AS tax_rate,
    p.class_name AS tax_class,
    getvariable('shop_currency') AS currency,
    (SELECT min(name) FROM terms WHERE object_id = p.ID AND taxonomy <> 'product_cat') AS manufacturer,
    (SELECT list(pa.path ORDER BY t.term_id) FROM terms t JOIN paths pa ON pa.term_id = t.term_id
      WHERE t.object_id = p.ID AND t.taxonomy = 'product_cat') AS categories,
    CASE WHEN p.manage_stock = 'yes' THEN TRY_CAST(TRY_CAST(p.stock AS DOUBLE) AS INTEGER) END AS quantity,
    p.manage_stock = 'yes' AS stock_tracked,
    p.post_status = 'publish' AS status,
    p.post_status AS visibility,
    TRY_CAST(blank_null(p.weight) AS DECIMAL(18,6)) AS weight,
    CASE getvariable('weight_to_grams') WHEN 1 THEN 'g' WHEN 1000 THEN 'kg' WHEN 453.59237 THEN 'lb' WHEN 28.349523125 THEN 'oz' END AS weight_unit,
    timezone('UTC', p.post_date_gmt) AS created_at
FROM p
