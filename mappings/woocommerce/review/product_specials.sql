-- WooCommerce sale prices as the shop holds them: the sale price as entered (with VAT when the shop
-- enters prices with VAT) and its schedule (unix timestamps)
SELECT
    CAST(m.post_id AS VARCHAR) AS product_source_id,
    CAST(m.post_id AS VARCHAR) AS source_id,
    TRY_CAST(blank_null(max(m.meta_value) FILTER (WHERE m.meta_key = '_sale_price')) AS DECIMAL(18,6)) AS price,
    getvariable('prices_include_tax') AS price_includes_tax,
    to_timestamp(TRY_CAST(blank_null(max(m.meta_value) FILTER (WHERE m.meta_key = '_sale_price_dates_from')) AS BIGINT)) AS starts_at,
    to_timestamp(TRY_CAST(blank_null(max(m.meta_value) FILTER (WHERE m.meta_key = '_sale_price_dates_to')) AS BIGINT)) AS expires_at,
    getvariable('shop_currency') AS currency
FROM src.postmeta m
WHERE m.meta_key IN ('_sale_price', '_sale_price_dates_from', '_sale_price_dates_to')
GROUP BY m.post_id
HAVING blank_null(max(m.meta_value) FILTER (WHERE m.meta_key = '_sale_price')) IS NOT NULL
