-- OpenCart order products as the shop holds them, in the shop's currency: name and model as ordered,
-- the chosen options, quantity, unit price and line total excl. VAT, the VAT per unit
SELECT
    CAST(l.order_id AS VARCHAR) AS order_source_id,
    CAST(l.order_product_id AS VARCHAR) AS source_id,
    html_decode(l.name) AS name,
    html_decode(l.model) AS sku,
    (SELECT string_agg(html_decode(oo.name) || ': ' || html_decode(oo.value), ', ' ORDER BY oo.order_option_id)
       FROM src.order_option oo WHERE oo.order_product_id = l.order_product_id) AS options,
    l.quantity AS quantity,
    l.price AS unit_price,
    l.total AS line_total,
    l.total + l.tax * l.quantity AS line_total_gross,
    CASE WHEN l.price <> 0 THEN round(div4(100 * l.tax, l.price), 2) END AS tax_rate,
    getvariable('shop_currency') AS currency
FROM src.order_product l
