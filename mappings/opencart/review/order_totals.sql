-- OpenCart order totals as the order holds them (the rows by extension code, in the shop's currency),
-- put in the report's classes: sub_total, shipping, tax, total, discounts and fees
SELECT
    CAST(t.order_id AS VARCHAR) AS order_source_id,
    CASE lower(t.code) WHEN 'sub_total' THEN 'subtotal' WHEN 'shipping' THEN 'shipping' WHEN 'tax' THEN 'tax' WHEN 'total' THEN 'total'
         ELSE CASE WHEN t.value < 0 OR lower(t.code) IN ('coupon', 'voucher', 'reward', 'credit', 'discount') THEN 'discount' ELSE 'fee' END
    END AS class,
    html_decode(t.title) AS title,
    t.value AS value,
    TRY_CAST(replace(regexp_extract(t.title, '(\d+(?:[.,]\d+)?)\s*%', 1), ',', '.') AS DECIMAL(7,2)) AS tax_rate,
    getvariable('shop_currency') AS currency,
    t.sort_order AS sort_order
FROM src.order_total t
