-- entity: order_totals
-- reads: order_total, order, tax_rate
-- OpenCart writes the totals as rows by extension code, already signed and in the shop's
-- currency: sub_total, shipping, handling, low_order_fee (net), coupon, voucher, reward, credit
-- (negative), tax (one row per tax rate: the VAT amount) and total (gross). Discounts are made
-- negative whatever their sign in the source. A code this mapping does not know counts as a fee
-- when positive and a discount when negative, with a warning, so the order still adds up.
-- A tax row's rate comes from the tax rate of that name (OpenCart titles tax rows with the rate's
-- name, e.g. 'VAT (20%)'), else from a percentage in the title.
WITH t AS (
    SELECT t.*, lower(trim(t.code)) AS c, blank_null(html_decode(t.title)) AS label
    FROM src.order_total t
    JOIN src."order" o ON o.order_id = t.order_id AND coalesce(o.order_status_id, 0) <> 0
),
classified AS (
    SELECT *,
           CASE WHEN c = 'sub_total' THEN 'subtotal'
                WHEN c = 'shipping' THEN 'shipping'
                WHEN c = 'tax' THEN 'tax'
                WHEN c = 'total' THEN 'total'
                WHEN c IN ('coupon', 'voucher', 'reward', 'credit', 'discount') THEN 'discount'
                WHEN c IN ('handling', 'low_order_fee', 'fee') THEN 'fee'
           END AS known_class
    FROM t
)
SELECT
    sid(order_total_id) AS source_id,
    sid(order_id) AS order_source_id,
    coalesce(known_class, CASE WHEN value < 0 THEN 'discount' ELSE 'fee' END) AS class,
    coalesce(label, code, 'Total') AS title,
    CASE WHEN coalesce(known_class, CASE WHEN value < 0 THEN 'discount' END) = 'discount' THEN -abs(money(value))
         ELSE money(value) END AS value,
    CASE WHEN known_class = 'tax'
         THEN CAST(coalesce((SELECT max(r.rate) FROM src.tax_rate r WHERE upper(r.type) = 'P' AND lower(html_decode(r.name)) = lower(label)),
                            TRY_CAST(replace(regexp_extract(label, '(\d+(?:[.,]\d+)?)\s*%', 1), ',', '.') AS DECIMAL(7,2))) AS DECIMAL(5,2)) END AS tax_rate,
    CAST(sort_order AS INTEGER) AS sort_order,
    CASE WHEN known_class IS NULL
         THEN 'class@UNKNOWN_TOTAL_CODE: order total "' || coalesce(code, '') || '" (' || coalesce(label, '') || ') counted as '
              || CASE WHEN value < 0 THEN 'a discount' ELSE 'a fee' END END AS _warn
FROM classified
