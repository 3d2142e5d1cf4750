-- entity: product_specials
-- reads: postmeta (_sale_price, _sale_price_dates_from/_to); pkg.products, pkg.tax_classes
-- A product's sale price (_sale_price) with its optional schedule: unix timestamps in
-- _sale_price_dates_from/_to (WooCommerce saves the end as 23:59:59 of the last day). One special per
-- product, source id = product id. Variable products keep sale prices on their variations, which
-- Mystore cannot express (see the VARIANT_SALE_PRICE warnings of product_variants).
-- status 0 when the sale had ended when the dump was made (newest post change, not now(): deterministic).
WITH sale AS (
    SELECT m.post_id,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_sale_price') AS sale_price,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_regular_price') AS regular_price,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_sale_price_dates_from') AS date_from,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_sale_price_dates_to') AS date_to
    FROM src.postmeta m
    WHERE m.meta_key IN ('_sale_price', '_regular_price', '_sale_price_dates_from', '_sale_price_dates_to')
    GROUP BY m.post_id
),
s AS (
    SELECT pp.source_id, pp.price, tc.tax_rate,
           TRY_CAST(blank_null(sale.sale_price) AS DECIMAL(18,6)) AS gross,
           TRY_CAST(blank_null(sale.regular_price) AS DECIMAL(18,6)) AS regular,
           to_timestamp(TRY_CAST(blank_null(sale.date_from) AS BIGINT)) AS starts_at,
           to_timestamp(TRY_CAST(blank_null(sale.date_to) AS BIGINT)) AS expires_at
    FROM sale
    JOIN pkg.products pp ON pp.source_id = sid(sale.post_id)
    LEFT JOIN pkg.tax_classes tc ON tc.source_id = pp.tax_class_source_id
    WHERE TRY_CAST(blank_null(sale.sale_price) AS DECIMAL(18,6)) IS NOT NULL
)
SELECT
    s.source_id,
    s.source_id AS product_source_id,
    net_price(s.gross, s.tax_rate, getvariable('prices_include_tax')) AS specials_price,
    CASE WHEN getvariable('prices_include_tax') THEN money(s.gross) END AS price_gross,
    CASE WHEN s.expires_at < getvariable('dump_time') THEN 0 ELSE 1 END AS status,
    s.starts_at,
    s.expires_at,
    nullif(concat_ws('|',
        CASE WHEN s.starts_at > getvariable('dump_time') THEN 'starts_at@SPECIAL_STARTS_LATER: sale starts '
             || strftime(s.starts_at, '%Y-%m-%d') || '; Mystore has no start date, the special is active at once' END,
        CASE WHEN s.gross >= s.regular THEN 'specials_price@SPECIAL_NOT_LOWER: sale price is not below the regular price' END
    ), '') AS _warn
FROM s
