-- entity: order_totals
-- reads: order, order_line_item, pkg.order_lines
-- From the order's price JSON (CartPrice: totalPrice, calculatedTaxes per rate, taxStatus), its
-- shipping_costs JSON and its discount lines, in the shop's currency (an order in another currency
-- divided by its currency_factor, exactly):
--   subtotal = the order lines' net total (order_lines.sql), discount = the promotion and credit
--   lines' net total (negative), shipping = the shipping costs net of their VAT (0 for free shipping),
--   one tax row per rate of calculatedTaxes (Shopware's own VAT breakdown, shipping and discounts
--   included), total = totalPrice.
-- Shopware's default "horizontal" tax calculation sums the positions' rounded taxes per rate, so the
-- rows add up to the total; its "vertical" one taxes the total and may leave a cent (the check says so).
WITH orders AS (
    SELECT o.*,
           json_extract_string(o.price, '$.taxStatus') AS tax_status,
           CAST(CASE WHEN o.currency_id = getvariable('system_currency') OR o.currency_factor IS NULL OR o.currency_factor <= 0
                     THEN 1 ELSE CAST(CAST(o.currency_factor AS VARCHAR) AS DECIMAL(20,10)) END AS DECIMAL(20,10)) AS factor,
           from_json(json_extract(o.price, '$.calculatedTaxes'), '[{"tax":"VARCHAR","taxRate":"VARCHAR","price":"VARCHAR"}]') AS taxes,
           from_json(json_extract(o.shipping_costs, '$.calculatedTaxes'), '[{"tax":"VARCHAR","taxRate":"VARCHAR","price":"VARCHAR"}]') AS shipping_taxes
    FROM src."order" o WHERE o.version_id = getvariable('live_version')
),
discounts AS (  -- promotions and credits: net amounts, and their rate when they have one
    SELECT li.order_id,
           sum(CASE WHEN o.tax_status = 'gross' THEN CAST(json_extract_string(li.price, '$.totalPrice') AS DECIMAL(38,10))
                    - coalesce((SELECT sum(CAST(t.tax AS DECIMAL(38,10))) FROM unnest(from_json(json_extract(li.price, '$.calculatedTaxes'),
                          '[{"tax":"VARCHAR"}]')) AS u(t)), 0)
                    ELSE CAST(json_extract_string(li.price, '$.totalPrice') AS DECIMAL(38,10)) END) AS net,
           string_agg(coalesce(blank_null(li.label), blank_null(li.referenced_id)), ', ' ORDER BY li.position) AS names,
           list_distinct(flatten(list(list_transform(from_json(json_extract(li.price, '$.calculatedTaxes'), '[{"taxRate":"VARCHAR"}]'),
                                                     lambda t: CAST(t.taxRate AS DECIMAL(9,3)))))) AS rates
    FROM src.order_line_item li
    JOIN orders o ON o.id = li.order_id AND o.version_id = li.order_version_id
    WHERE li.version_id = getvariable('live_version') AND li.parent_id IS NULL AND li.type IN ('promotion', 'credit', 'discount')
    GROUP BY li.order_id
),
m AS (
    SELECT o.id, o.factor,
           (SELECT sum(line_total) FROM pkg.order_lines l WHERE l.order_source_id = lower(hex(o.id))) AS subtotal,
           div4(d.net, o.factor) AS discount, d.names AS discount_names,
           CASE WHEN len(d.rates) = 1 THEN d.rates[1] END AS discount_rate,
           div4(CAST(json_extract_string(o.shipping_costs, '$.totalPrice') AS DECIMAL(38,10))
                - CASE WHEN o.tax_status = 'gross'
                       THEN coalesce((SELECT sum(CAST(t.tax AS DECIMAL(38,10))) FROM unnest(o.shipping_taxes) AS u(t)), 0) ELSE 0 END,
                o.factor) AS shipping,
           (SELECT list_distinct(list(CAST(t.taxRate AS DECIMAL(9,3)))) FROM unnest(o.shipping_taxes) AS u(t)
             WHERE CAST(t.price AS DECIMAL(38,10)) <> 0 OR len(o.shipping_taxes) = 1) AS shipping_rates,
           div4(CAST(json_extract_string(o.price, '$.totalPrice') AS DECIMAL(38,10)), o.factor) AS total,
           o.taxes, o.tax_status
    FROM orders o LEFT JOIN discounts d ON d.order_id = o.id
),
vat AS (
    SELECT m.id, CAST(t.taxRate AS DECIMAL(9,3)) AS rate, div4(CAST(t.tax AS DECIMAL(38,10)), m.factor) AS value
    FROM m, unnest(m.taxes) AS u(t)
    WHERE m.tax_status <> 'tax-free'
),
rows AS (
    SELECT lower(hex(id)) AS oid, 'subtotal' AS class, 'Delsum' AS title, coalesce(subtotal, 0) AS value,
           NULL::DECIMAL(9,3) AS tax_rate, 1 AS sort_order, 1 AS n FROM m
    UNION ALL
    SELECT lower(hex(id)), 'discount', 'Rabatt' || coalesce(' (' || discount_names || ')', ''), discount, discount_rate, 2, 1
    FROM m WHERE discount <> 0
    UNION ALL
    SELECT lower(hex(id)), 'shipping', 'Frakt', shipping,
           CASE WHEN shipping <> 0 AND len(shipping_rates) = 1 AND shipping_rates[1] > 0 THEN shipping_rates[1] END, 3, 1
    FROM m
    UNION ALL
    SELECT lower(hex(id)), 'tax', 'MVA ' || rtrim(rtrim(CAST(rate AS VARCHAR), '0'), '.') || '%', value, rate, 5,
           CAST(row_number() OVER (PARTITION BY id ORDER BY rate DESC) AS INTEGER)
    FROM vat WHERE value <> 0
    UNION ALL
    SELECT lower(hex(id)), 'total', 'Totalt', total, NULL, 9, 1 FROM m
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
