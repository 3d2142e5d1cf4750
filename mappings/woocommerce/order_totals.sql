-- entity: order_totals
-- reads: woocommerce_order_items + woocommerce_order_itemmeta (shipping, fee, coupon, tax items), postmeta
--        (_order_total, _order_tax, _order_shipping(_tax), _cart_discount(_tax)) or wc_orders +
--        wc_order_operational_data (HPOS), woocommerce_tax_rates; pkg.orders, pkg.order_lines
-- osCommerce-style rows per order, amounts net except tax and total:
--   subtotal  the order lines (before coupons, see order_lines.sql)
--   discount  coupons: per VAT rate, the lines' _line_subtotal - _line_total (negative); without lines the
--             order's _cart_discount / discount_total_amount
--   shipping  one row per shipping item (cost excl. VAT); without items the order's shipping total
--   fee       one row per fee item (_line_total)
--   tax       one row per VAT rate: the tax items' tax_amount + shipping_tax_amount; without tax items
--             the order's tax total in one row
--   total     _order_total / total_amount (gross)
-- WooCommerce rounds each tax item to the øre while lines keep 6 decimals, so the rows can differ from
-- the total by a fraction of an øre (within the check's 0.01 NOK).
WITH orders AS (
    SELECT source_id, CAST(source_id AS BIGINT) AS id FROM pkg.orders
),
figures AS (
    SELECT pm.post_id AS id,
        TRY_CAST(max(pm.meta_value) FILTER (WHERE pm.meta_key = '_order_total') AS DECIMAL(18,6)) AS total,
        coalesce(TRY_CAST(max(pm.meta_value) FILTER (WHERE pm.meta_key = '_order_tax') AS DECIMAL(18,6)), 0)
          + coalesce(TRY_CAST(max(pm.meta_value) FILTER (WHERE pm.meta_key = '_order_shipping_tax') AS DECIMAL(18,6)), 0) AS tax,
        TRY_CAST(max(pm.meta_value) FILTER (WHERE pm.meta_key = '_order_shipping') AS DECIMAL(18,6)) AS shipping,
        TRY_CAST(max(pm.meta_value) FILTER (WHERE pm.meta_key = '_order_shipping_tax') AS DECIMAL(18,6)) AS shipping_tax,
        TRY_CAST(max(pm.meta_value) FILTER (WHERE pm.meta_key = '_cart_discount') AS DECIMAL(18,6)) AS discount,
        TRY_CAST(max(pm.meta_value) FILTER (WHERE pm.meta_key = '_cart_discount_tax') AS DECIMAL(18,6)) AS discount_tax
    FROM src.postmeta pm
    WHERE NOT getvariable('hpos') AND pm.post_id IN (SELECT id FROM orders)
      AND pm.meta_key IN ('_order_total', '_order_tax', '_order_shipping', '_order_shipping_tax', '_cart_discount', '_cart_discount_tax')
    GROUP BY pm.post_id
    UNION ALL
    SELECT o.id, o.total_amount, coalesce(o.tax_amount, 0), od.shipping_total_amount, od.shipping_tax_amount,
           od.discount_total_amount, od.discount_tax_amount
    FROM src.wc_orders o LEFT JOIN src.wc_order_operational_data od ON od.order_id = o.id
    WHERE getvariable('hpos') AND o.id IN (SELECT id FROM orders)
),
items AS (
    SELECT i.order_item_id, i.order_id, i.order_item_type AS kind, html_decode(i.order_item_name) AS item_name,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = '_line_subtotal') AS DECIMAL(18,6)) AS line_subtotal,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = '_line_total') AS DECIMAL(18,6)) AS line_total,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = '_line_tax') AS DECIMAL(18,6)) AS line_tax,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = 'cost') AS DECIMAL(18,6)) AS cost,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = 'total_tax') AS DECIMAL(18,6)) AS cost_tax,
        coalesce(max(m.meta_value) FILTER (WHERE m.meta_key = 'taxes'), max(m.meta_value) FILTER (WHERE m.meta_key = '_line_tax_data')) AS tax_data,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = 'rate_id') AS BIGINT) AS rate_id,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = 'rate_percent') AS DECIMAL(9,4)) AS rate_percent,
        max(m.meta_value) FILTER (WHERE m.meta_key = 'label') AS label,
        coalesce(TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = 'tax_amount') AS DECIMAL(18,6)), 0)
          + coalesce(TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = 'shipping_tax_amount') AS DECIMAL(18,6)), 0) AS tax_amount
    FROM src.woocommerce_order_items i
    LEFT JOIN src.woocommerce_order_itemmeta m ON m.order_item_id = i.order_item_id
    WHERE i.order_id IN (SELECT id FROM orders)
    GROUP BY i.order_item_id, i.order_id, i.order_item_type, i.order_item_name
),
tax_items AS (
    SELECT t.order_id, t.order_item_id, t.label, t.tax_amount, t.rate_id,
           CAST(coalesce(t.rate_percent, TRY_CAST(r.tax_rate AS DECIMAL(9,4))) AS DECIMAL(5,2)) AS rate
    FROM items t LEFT JOIN src.woocommerce_tax_rates r ON r.tax_rate_id = t.rate_id
    WHERE t.kind = 'tax'
),
-- the VAT rate of a shipping or fee item: the rate ids in its serialized taxes, looked up in the order's tax items
item_rates AS (
    SELECT u.order_item_id, sum(ti.rate) AS rate, count(*) AS n, count(ti.rate) AS known
    FROM (SELECT i.order_item_id, i.order_id, TRY_CAST(k AS BIGINT) AS rate_id
          FROM items i, unnest(json_keys(json_extract(php_json(i.tax_data), '$.total'))) x(k)
          WHERE i.kind IN ('shipping', 'fee')) u
    LEFT JOIN tax_items ti ON ti.order_id = u.order_id AND ti.rate_id = u.rate_id
    GROUP BY u.order_item_id
),
lines AS (
    SELECT ol.order_source_id, ol.tax_rate, i.line_subtotal - i.line_total AS discount
    FROM pkg.order_lines ol JOIN items i ON sid(i.order_item_id) = ol.source_id
),
coupons AS (
    SELECT order_id, string_agg(item_name, ', ' ORDER BY order_item_id) AS codes FROM items WHERE kind = 'coupon' GROUP BY order_id
),
rows AS (
    -- subtotal
    SELECT o.source_id AS order_source_id, 'subtotal' AS class, 1 AS sort_order, 1 AS n, 'Delsum' AS title,
           coalesce((SELECT sum(line_total) FROM pkg.order_lines ol WHERE ol.order_source_id = o.source_id), 0) AS value,
           NULL::DECIMAL(5,2) AS tax_rate
    FROM orders o
    UNION ALL
    -- discount per VAT rate of the discounted lines
    SELECT d.order_source_id, 'discount', 2, row_number() OVER (PARTITION BY d.order_source_id ORDER BY d.tax_rate DESC),
           'Rabatt' || coalesce(' (' || c.codes || ')', ''), -money(d.discount), d.tax_rate
    FROM (SELECT order_source_id, tax_rate, sum(discount) AS discount FROM lines GROUP BY 1, 2) d
    LEFT JOIN coupons c ON sid(c.order_id) = d.order_source_id
    WHERE money(d.discount) <> 0
    UNION ALL
    -- discount of an order without lines
    SELECT o.source_id, 'discount', 2, 1, 'Rabatt' || coalesce(' (' || c.codes || ')', ''), -money(f.discount),
           CASE WHEN f.discount <> 0 THEN CAST(round(div4(100 * coalesce(f.discount_tax, 0), f.discount), 2) AS DECIMAL(5,2)) END
    FROM orders o JOIN figures f ON f.id = o.id LEFT JOIN coupons c ON c.order_id = o.id
    WHERE money(f.discount) <> 0 AND o.source_id NOT IN (SELECT order_source_id FROM lines)
    UNION ALL
    -- shipping items
    SELECT sid(i.order_id), 'shipping', 3, row_number() OVER (PARTITION BY i.order_id ORDER BY i.order_item_id),
           coalesce(blank_null(i.item_name), 'Frakt'), money(coalesce(i.cost, 0)),
           CAST(CASE WHEN coalesce(i.cost_tax, 0) = 0 THEN 0 WHEN r.known > 0 AND r.known = r.n THEN r.rate
                     WHEN i.cost <> 0 THEN round(div4(100 * i.cost_tax, i.cost), 2) END AS DECIMAL(5,2))
    FROM items i LEFT JOIN item_rates r ON r.order_item_id = i.order_item_id
    WHERE i.kind = 'shipping'
    UNION ALL
    -- shipping of an order without shipping items
    SELECT o.source_id, 'shipping', 3, 1, 'Frakt', money(f.shipping),
           CASE WHEN f.shipping <> 0 THEN CAST(round(div4(100 * coalesce(f.shipping_tax, 0), f.shipping), 2) AS DECIMAL(5,2)) END
    FROM orders o JOIN figures f ON f.id = o.id
    WHERE money(f.shipping) <> 0 AND o.id NOT IN (SELECT order_id FROM items WHERE kind = 'shipping')
    UNION ALL
    -- fees
    SELECT sid(i.order_id), 'fee', 4, row_number() OVER (PARTITION BY i.order_id ORDER BY i.order_item_id),
           coalesce(blank_null(i.item_name), 'Gebyr'), money(coalesce(i.line_total, 0)),
           CAST(CASE WHEN coalesce(i.line_tax, 0) = 0 THEN 0 WHEN r.known > 0 AND r.known = r.n THEN r.rate
                     WHEN i.line_total <> 0 THEN round(div4(100 * i.line_tax, i.line_total), 2) END AS DECIMAL(5,2))
    FROM items i LEFT JOIN item_rates r ON r.order_item_id = i.order_item_id
    WHERE i.kind = 'fee'
    UNION ALL
    -- VAT per rate
    SELECT sid(t.order_id), 'tax', 5, row_number() OVER (PARTITION BY t.order_id ORDER BY t.rate DESC NULLS LAST),
           CASE WHEN t.labels LIKE '%\%%' ESCAPE '\' OR t.rate IS NULL THEN t.labels
                ELSE t.labels || ' ' || CASE WHEN t.rate = round(t.rate) THEN CAST(CAST(t.rate AS INTEGER) AS VARCHAR)
                                             ELSE replace(CAST(t.rate AS VARCHAR), '.', ',') END || '%' END,
           money(t.amount), t.rate
    FROM (SELECT order_id, rate, coalesce(string_agg(DISTINCT blank_null(html_decode(label)), ' / '), 'MVA') AS labels, sum(tax_amount) AS amount
          FROM tax_items GROUP BY order_id, rate) t
    UNION ALL
    -- VAT of an order without tax items
    SELECT o.source_id, 'tax', 5, 1, 'MVA', money(f.tax), NULL
    FROM orders o JOIN figures f ON f.id = o.id
    WHERE money(f.tax) <> 0 AND o.id NOT IN (SELECT order_id FROM tax_items)
    UNION ALL
    SELECT o.source_id, 'total', 6, 1, 'Totalt', money(coalesce(f.total, 0)), NULL
    FROM orders o LEFT JOIN figures f ON f.id = o.id
)
SELECT order_source_id || '/' || class || '/' || n AS source_id, order_source_id, class, title, value,
       CAST(tax_rate AS DECIMAL(5,2)) AS tax_rate, CAST(sort_order AS INTEGER) AS sort_order
FROM rows
