-- entity: order_lines
-- reads: woocommerce_order_items (line_item, tax), woocommerce_order_itemmeta, woocommerce_tax_rates, postmeta (_sku);
--        pkg.orders, pkg.product_options, pkg.product_option_values
-- Order items are the same table in both order stores. A line's amounts are excl. VAT even when the
-- shop enters prices with VAT: _line_subtotal is the line before coupons, _line_total after them.
-- Coupons are order-level discounts (an order_totals 'discount' row), so line_total = _line_subtotal and
-- unit_price = _line_subtotal / _qty; line_total_gross adds _line_subtotal_tax.
-- The VAT rate is the one charged: the rate ids in _line_tax_data (serialized) looked up in the order's
-- own tax items (rate_percent, WC >= 3.7) or the rate table; without them the tax / net ratio.
-- WooCommerce stores no SKU on the line: it is the product's (variation's) current _sku.
-- options = the item meta without a leading '_' (what WooCommerce prints under the line): chosen
-- variation attributes (pa_color = 'red' -> 'Farge': 'Rød') and add-on fields, by their labels.
WITH items AS (
    SELECT i.order_item_id, i.order_id, i.order_item_name
    FROM src.woocommerce_order_items i
    WHERE i.order_item_type = 'line_item' AND sid(i.order_id) IN (SELECT source_id FROM pkg.orders)
),
im AS (
    SELECT m.order_item_id,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = '_product_id') AS BIGINT) AS product_id,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = '_variation_id') AS BIGINT) AS variation_id,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = '_qty') AS DECIMAL(18,4)) AS qty,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = '_line_subtotal') AS DECIMAL(18,6)) AS subtotal,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = '_line_subtotal_tax') AS DECIMAL(18,6)) AS subtotal_tax,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = '_line_total') AS DECIMAL(18,6)) AS total,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = '_line_tax') AS DECIMAL(18,6)) AS total_tax,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_line_tax_data') AS tax_data
    FROM src.woocommerce_order_itemmeta m
    WHERE m.order_item_id IN (SELECT order_item_id FROM items)
    GROUP BY m.order_item_id
),
order_rates AS (
    SELECT i.order_id,
           TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = 'rate_id') AS BIGINT) AS rate_id,
           TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = 'rate_percent') AS DECIMAL(9,4)) AS rate_percent
    FROM src.woocommerce_order_items i JOIN src.woocommerce_order_itemmeta m ON m.order_item_id = i.order_item_id
    WHERE i.order_item_type = 'tax' AND sid(i.order_id) IN (SELECT source_id FROM pkg.orders)
    GROUP BY i.order_item_id, i.order_id
),
line_rates AS (
    SELECT t.order_item_id, sum(coalesce(r.rate_percent, TRY_CAST(tr.tax_rate AS DECIMAL(9,4)))) AS rate,
           count(*) AS n, count(coalesce(r.rate_percent, TRY_CAST(tr.tax_rate AS DECIMAL(9,4)))) AS known
    FROM (SELECT im.order_item_id, i.order_id, TRY_CAST(k AS BIGINT) AS rate_id
          FROM im JOIN items i ON i.order_item_id = im.order_item_id,
               unnest(json_keys(coalesce(json_extract(php_json(im.tax_data), '$.subtotal'), json_extract(php_json(im.tax_data), '$.total')))) u(k)) t
    LEFT JOIN order_rates r ON r.order_id = t.order_id AND r.rate_id = t.rate_id
    LEFT JOIN src.woocommerce_tax_rates tr ON tr.tax_rate_id = t.rate_id
    GROUP BY t.order_item_id
),
opts AS (
    SELECT order_item_id, map_from_entries(list({'key': label, 'value': value} ORDER BY meta_id)) AS options
    FROM (
        SELECT m.order_item_id, min(m.meta_id) AS meta_id,
               coalesce(po.name['no'], pc.name['no'], m.meta_key) AS label,
               arg_min(coalesce(pv.name['no'], html_decode(m.meta_value)), m.meta_id) AS value
        FROM src.woocommerce_order_itemmeta m
        LEFT JOIN pkg.product_options po ON po.source_id = m.meta_key
        LEFT JOIN pkg.product_options pc ON pc.source_id = 'custom:' || m.meta_key
        LEFT JOIN pkg.product_option_values pv ON pv.source_id = m.meta_key || ':' || m.meta_value
        WHERE m.order_item_id IN (SELECT order_item_id FROM items)
          AND m.meta_key NOT LIKE '\_%' ESCAPE '\' AND blank_null(m.meta_value) IS NOT NULL
        GROUP BY m.order_item_id, coalesce(po.name['no'], pc.name['no'], m.meta_key)
    ) GROUP BY order_item_id
),
skus AS (
    SELECT post_id, max(meta_value) AS sku FROM src.postmeta WHERE meta_key = '_sku' GROUP BY post_id
),
l AS (
    SELECT i.*, im.*, lr.rate, lr.n, lr.known, o.options,
           coalesce(im.subtotal, im.total, 0) AS net,
           coalesce(im.subtotal_tax, im.total_tax, 0) AS tax,
           CAST(floor(greatest(coalesce(im.qty, 1), 1)) AS INTEGER) AS quantity
    FROM items i
    LEFT JOIN im ON im.order_item_id = i.order_item_id
    LEFT JOIN line_rates lr ON lr.order_item_id = i.order_item_id
    LEFT JOIN opts o ON o.order_item_id = i.order_item_id
)
SELECT
    sid(l.order_item_id) AS source_id,
    sid(l.order_id) AS order_source_id,
    CASE WHEN l.product_id > 0 THEN sid(l.product_id) END AS product_source_id,
    CASE WHEN l.variation_id > 0 THEN sid(l.variation_id) END AS variant_source_id,
    coalesce(blank_null(html_decode(l.order_item_name)), 'N/A') AS name,
    coalesce(blank_null(vs.sku), blank_null(ps.sku)) AS sku,
    l.options,
    l.quantity,
    div4(l.net, l.quantity) AS unit_price,
    CAST(CASE WHEN l.tax = 0 THEN 0
              WHEN l.known > 0 AND l.known = l.n THEN l.rate
              WHEN l.net = 0 THEN 0
              ELSE (SELECT CASE WHEN abs(r - 25) < 0.5 THEN 25 WHEN abs(r - 15) < 0.5 THEN 15 WHEN abs(r - 12) < 0.4 THEN 12
                                WHEN abs(r - 11.11) < 0.4 THEN 11.11 ELSE round(r, 2) END
                    FROM (SELECT div4(100 * l.tax, l.net) AS r)) END AS DECIMAL(5,2)) AS tax_rate,
    money(l.net) AS line_total,
    money(l.net + l.tax) AS line_total_gross,
    nullif(concat_ws('|',
        CASE WHEN coalesce(l.qty, 0) < 1 THEN 'quantity@INVALID_QUANTITY: line quantity ''' || coalesce(CAST(l.qty AS VARCHAR), '') || ''' read as 1' END,
        CASE WHEN l.qty <> floor(l.qty) THEN 'quantity@FRACTIONAL_QUANTITY: quantity ' || l.qty || ' rounded down' END
    ), '') AS _warn
FROM l
LEFT JOIN skus vs ON vs.post_id = l.variation_id AND l.variation_id > 0
LEFT JOIN skus ps ON ps.post_id = l.product_id
