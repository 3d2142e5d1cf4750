-- entity: order_lines
-- reads: order_product, order_option, order, product
-- OpenCart order lines are net: price is the net unit price (options included), total the net
-- line total, tax the VAT per unit. The rate charged is tax / price; the gross line total is
-- total + tax * quantity. The chosen options become the options map (name -> value; several
-- values of one checkbox option are joined with ', '). The variant is the line's one chosen
-- select/radio/image value (product_option_value_id); OpenCart 4 lines of a variant product point
-- at the master product and its 'product:<id>' variant. Lines of left-out (missing) orders go with them.
WITH p AS (
    SELECT * FROM (SELECT NULL::BIGINT AS master_id WHERE false) UNION ALL BY NAME SELECT * FROM src.product
),
opt AS (
    SELECT order_product_id, map_from_entries(list({'key': name, 'value': value} ORDER BY name)) AS options
    FROM (SELECT order_product_id, coalesce(blank_null(html_decode(name)), 'Option') AS name,
                 string_agg(coalesce(html_decode(value), ''), ', ' ORDER BY order_option_id) AS value
          FROM src.order_option GROUP BY 1, 2)
    GROUP BY order_product_id
),
variant_choice AS (
    SELECT order_product_id, min(product_option_value_id) AS pov_id, count(*) AS n
    FROM src.order_option
    WHERE lower(type) IN ('select', 'radio', 'image') AND coalesce(product_option_value_id, 0) <> 0
    GROUP BY order_product_id
)
SELECT
    sid(l.order_product_id) AS source_id,
    sid(l.order_id) AS order_source_id,
    sid(CASE WHEN coalesce(p.master_id, 0) > 0 THEN p.master_id ELSE l.product_id END) AS product_source_id,
    CASE WHEN coalesce(p.master_id, 0) > 0 THEN 'product:' || l.product_id
         WHEN v.n = 1 THEN sid(v.pov_id) END AS variant_source_id,
    coalesce(blank_null(html_decode(l.name)), 'Product ' || l.product_id) AS name,
    blank_null(html_decode(l.model)) AS sku,
    opt.options,
    CAST(l.quantity AS INTEGER) AS quantity,
    CASE WHEN coalesce(l.quantity, 0) <> 0 THEN div4(l.total, l.quantity) ELSE money(l.price) END AS unit_price,
    CASE WHEN coalesce(l.price, 0) <> 0 THEN CAST(round(div4(100 * l.tax, l.price), 2) AS DECIMAL(5,2))
         ELSE CAST(0 AS DECIMAL(5,2)) END AS tax_rate,
    money(l.total) AS line_total,
    money(l.total + l.tax * l.quantity) AS line_total_gross,
    CASE WHEN coalesce(l.price, 0) <> 0 AND round(div4(100 * l.tax, l.price), 2) NOT IN (25, 15, 12, 11.11, 0)
         THEN 'tax_rate@UNUSUAL_TAX_RATE: VAT ' || l.tax || ' per unit on ' || l.price || ' is '
              || round(div4(100 * l.tax, l.price), 2) || ' %, not a Norwegian rate' END AS _warn
FROM src.order_product l
JOIN src."order" o ON o.order_id = l.order_id AND coalesce(o.order_status_id, 0) <> 0
LEFT JOIN p ON p.product_id = l.product_id
LEFT JOIN opt ON opt.order_product_id = l.order_product_id
LEFT JOIN variant_choice v ON v.order_product_id = l.order_product_id
