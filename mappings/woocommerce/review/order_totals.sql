-- WooCommerce order totals as the order holds them, in the order's currency: the items before coupons
-- (excl. VAT), the coupons' discount, shipping and fee items (excl. VAT), VAT per tax item (its rate and
-- amount, shipping VAT included) and the order total
WITH items AS (
    SELECT i.order_id, i.order_item_id, i.order_item_type AS kind, html_decode(i.order_item_name) AS name,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = '_line_subtotal') AS DECIMAL(18,6)) AS line_subtotal,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = '_line_total') AS DECIMAL(18,6)) AS line_total,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = 'cost') AS DECIMAL(18,6)) AS cost,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = 'rate_percent') AS DECIMAL(9,4)) AS rate_percent,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = 'rate_id') AS BIGINT) AS rate_id,
        coalesce(TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = 'tax_amount') AS DECIMAL(18,6)), 0)
          + coalesce(TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = 'shipping_tax_amount') AS DECIMAL(18,6)), 0) AS tax_amount
    FROM src.woocommerce_order_items i LEFT JOIN src.woocommerce_order_itemmeta m ON m.order_item_id = i.order_item_id
    GROUP BY i.order_id, i.order_item_id, i.order_item_type, i.order_item_name
),
figures AS (
    SELECT o.id, o.currency, o.total_amount AS total, od.discount_total_amount AS discount
    FROM src.wc_orders o LEFT JOIN src.wc_order_operational_data od ON od.order_id = o.id
    WHERE getvariable('hpos')
    UNION ALL
    SELECT post_id, max(meta_value) FILTER (WHERE meta_key = '_order_currency'),
           TRY_CAST(max(meta_value) FILTER (WHERE meta_key = '_order_total') AS DECIMAL(18,6)),
           TRY_CAST(max(meta_value) FILTER (WHERE meta_key = '_cart_discount') AS DECIMAL(18,6))
    FROM src.postmeta WHERE NOT getvariable('hpos') AND meta_key IN ('_order_currency', '_order_total', '_cart_discount')
    GROUP BY post_id
)
SELECT CAST(f.id AS VARCHAR) AS order_source_id, 'subtotal' AS class,
       (SELECT sum(line_subtotal) FROM items i WHERE i.order_id = f.id AND i.kind = 'line_item') AS value,
       NULL::DECIMAL(9,4) AS tax_rate, f.currency, 1 AS sort_order
FROM figures f
UNION ALL SELECT CAST(id AS VARCHAR), 'discount', -discount, NULL, currency, 2 FROM figures WHERE discount <> 0
UNION ALL SELECT CAST(i.order_id AS VARCHAR), 'shipping', i.cost, NULL, f.currency, 3 FROM items i JOIN figures f ON f.id = i.order_id WHERE i.kind = 'shipping'
UNION ALL SELECT CAST(i.order_id AS VARCHAR), 'fee', i.line_total, NULL, f.currency, 4 FROM items i JOIN figures f ON f.id = i.order_id WHERE i.kind = 'fee'
UNION ALL SELECT CAST(i.order_id AS VARCHAR), 'tax', i.tax_amount,
                 coalesce(i.rate_percent, (SELECT TRY_CAST(tax_rate AS DECIMAL(9,4)) FROM src.woocommerce_tax_rates r WHERE r.tax_rate_id = i.rate_id)),
                 f.currency, 5
          FROM items i JOIN figures f ON f.id = i.order_id WHERE i.kind = 'tax'
UNION ALL SELECT CAST(id AS VARCHAR), 'total', total, NULL, currency, 9 FROM figures
