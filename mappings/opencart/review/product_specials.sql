-- OpenCart specials of a product as the shop holds them: the price (net), period, priority, and the
-- customer group when it is not the shop's default one
SELECT
    CAST(s.product_id AS VARCHAR) AS product_source_id,
    CAST(s.product_special_id AS VARCHAR) AS source_id,
    s.price AS price,
    false AS price_includes_tax,
    utc(CAST(s.date_start AS TIMESTAMP)) AS starts_at,
    utc(CAST(s.date_end AS TIMESTAMP)) AS expires_at,
    s.priority AS priority,
    CASE WHEN s.customer_group_id <> getvariable('default_customer_group_id')
         THEN 'kundegruppe ' || coalesce((SELECT min(d.name) FROM src.customer_group_description d WHERE d.customer_group_id = s.customer_group_id),
                                          CAST(s.customer_group_id AS VARCHAR)) END AS only_for,
    getvariable('shop_currency') AS currency
FROM src.product_special s
