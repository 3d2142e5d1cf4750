-- entity: order_totals
-- reads: sales_order, sales_order_tax, sales_order_tax_item
-- From the order's own amounts in the shop's base currency (base_*; orders.sql):
--   subtotal = base_subtotal (net, the lines' row totals), shipping = base_shipping_amount (net),
--   discount = base_discount_amount plus the VAT Magento left in it when it took the discount off prices with VAT
--     (base_discount_tax_compensation_amount, base_shipping_discount_tax_compensation_amnt): the net discount,
--   tax = base_tax_amount, one row per rate, total = base_grand_total.
-- Magento's own rule: grand_total = subtotal + shipping + discount + compensations + tax, so the rows add up
-- to the total (the check reports an order where they do not).
-- The VAT rows come from sales_order_tax (one row per rate the order was charged, its base_amount); whatever
-- rounding leaves over goes to the largest row, so they add up to base_tax_amount to the cent. Shipping's rate
-- is the one sales_order_tax_item gives the shipping, else its VAT over its net amount.
WITH o AS (
    SELECT o.entity_id, sid(o.entity_id) AS oid,
           coalesce(o.base_subtotal, 0) AS subtotal,
           coalesce(o.base_shipping_amount, 0) AS shipping,
           coalesce(o.base_shipping_tax_amount, 0) AS shipping_tax,
           coalesce(o.base_discount_amount, 0) + coalesce(o.base_discount_tax_compensation_amount, 0)
             + coalesce(o.base_shipping_discount_tax_compensation_amnt, 0) AS discount,
           coalesce(o.base_tax_amount, 0) AS tax,
           coalesce(o.base_grand_total, 0) AS total,
           blank_null(coalesce(blank_null(o.discount_description), o.coupon_code)) AS discount_name
    FROM src.sales_order o
    WHERE o.store_id IN (SELECT store_id FROM shop.stores)  -- other websites' orders are left out (orders.sql)
),
shipping_rates AS (
    SELECT t.order_id, max(ti.tax_percent) AS rate
    FROM src.sales_order_tax_item ti JOIN src.sales_order_tax t ON t.tax_id = ti.tax_id
    WHERE ti.taxable_item_type = 'shipping' GROUP BY t.order_id
),
shipping AS (
    SELECT o.oid, o.shipping,
           CAST(CASE WHEN r.rate IS NOT NULL THEN r.rate
                     WHEN o.shipping <> 0 AND o.shipping_tax <> 0 THEN round(div4(100 * o.shipping_tax, o.shipping)) END AS DECIMAL(5,2)) AS rate
    FROM o LEFT JOIN shipping_rates r ON r.order_id = o.entity_id
),
vat_parts AS (
    SELECT sid(order_id) AS oid, CAST(percent AS DECIMAL(5,2)) AS tax_rate, sum(coalesce(base_amount, amount)) AS vat
    FROM src.sales_order_tax GROUP BY ALL
),
vat_rows AS (  -- the rounding rest goes to the largest row; an order with VAT but no rows gets one
    SELECT o.oid, v.tax_rate,
           coalesce(v.vat, 0) + CASE WHEN row_number() OVER (PARTITION BY o.oid ORDER BY abs(v.vat) DESC NULLS LAST, v.tax_rate DESC) = 1
                                     THEN o.tax - coalesce(sum(v.vat) OVER (PARTITION BY o.oid), 0) ELSE 0 END AS vat
    FROM o LEFT JOIN vat_parts v ON v.oid = o.oid
),
rows AS (
    SELECT oid, 'subtotal' AS class, 'Delsum' AS title, subtotal AS value, NULL::DECIMAL(5,2) AS tax_rate, 1 AS sort_order, 1 AS n FROM o
    UNION ALL
    SELECT oid, 'discount', 'Rabatt' || coalesce(' (' || discount_name || ')', ''), discount, NULL, 2, 1 FROM o WHERE discount <> 0
    UNION ALL
    SELECT oid, 'shipping', 'Frakt', shipping, CASE WHEN rate > 0 THEN rate END, 3, 1 FROM shipping
    UNION ALL
    SELECT oid, 'tax', 'MVA' || coalesce(' ' || rtrim(rtrim(CAST(tax_rate AS VARCHAR), '0'), '.') || '%', ''), vat, tax_rate, 5,
           CAST(row_number() OVER (PARTITION BY oid ORDER BY tax_rate DESC NULLS LAST) AS INTEGER)
    FROM vat_rows WHERE vat <> 0
    UNION ALL
    SELECT oid, 'total', 'Totalt', total, NULL, 9, 1 FROM o
)
SELECT
    oid || '/' || class || '/' || n AS source_id,
    oid AS order_source_id,
    class,
    title,
    money(value) AS value,
    CAST(tax_rate AS DECIMAL(5,2)) AS tax_rate,
    CAST(sort_order AS INTEGER) AS sort_order
FROM rows
