-- entity: tax_classes
-- reads: wc_tax_rate_classes, woocommerce_tax_rates, woocommerce_tax_rate_locations, options (woocommerce_tax_classes)
-- A WooCommerce tax class is a slug; '' is the built-in Standard class (source id 'standard'). Classes
-- live in wc_tax_rate_classes (WC >= 3.7) or, older, newline-separated in the option woocommerce_tax_classes;
-- a rate row may also name a class neither lists. A class has one rate per country/state/postcode:
-- Mystore takes the one for Norway, else the one for every country (''), the least specific first.
-- A class without such a rate charges no VAT in WooCommerce, so it becomes 0 % (with a warning).
WITH classes AS (
    SELECT slug, min(name) AS name, min(ord) AS ord FROM (
        SELECT '' AS slug, 'Standard' AS name, 0 AS ord
        UNION ALL
        SELECT slug, name, 1 FROM src.wc_tax_rate_classes
        UNION ALL
        SELECT slugify(trim(c)), trim(c), 2
          FROM src.options, unnest(string_split(replace(option_value, chr(13), ''), chr(10))) t(c)
         WHERE option_name = 'woocommerce_tax_classes' AND trim(c) <> ''
        UNION ALL
        SELECT tax_rate_class, tax_rate_class, 3 FROM src.woocommerce_tax_rates WHERE tax_rate_class <> ''
    ) GROUP BY slug
),
rates AS (
    SELECT r.tax_rate_class AS slug, TRY_CAST(r.tax_rate AS DECIMAL(9,4)) AS rate, r.tax_rate_name,
           row_number() OVER (PARTITION BY r.tax_rate_class
               ORDER BY (r.tax_rate_country = 'NO') DESC, (r.tax_rate_state = '') DESC,
                        (SELECT count(*) FROM src.woocommerce_tax_rate_locations l WHERE l.tax_rate_id = r.tax_rate_id),
                        r.tax_rate_priority, r.tax_rate_order, r.tax_rate_id) AS pick
    FROM src.woocommerce_tax_rates r
    WHERE upper(r.tax_rate_country) IN ('NO', '')
)
SELECT
    CASE WHEN c.slug = '' THEN 'standard' ELSE c.slug END AS source_id,
    html_decode(c.name) AS title,
    html_decode(c.name) AS description,
    CAST(coalesce(r.rate, 0) AS DECIMAL(5,2)) AS tax_rate,
    CASE WHEN r.rate IS NULL THEN 'tax_rate@NO_TAX_RATE: no WooCommerce tax rate for Norway (or all countries) in class '''
         || c.name || '''' || CASE WHEN getvariable('calc_taxes') THEN '' ELSE ' and taxes are switched off in the shop' END
         || '; WooCommerce charges no VAT here, so 0 %' END AS _warn
FROM classes c
LEFT JOIN rates r ON r.slug = c.slug AND r.pick = 1
