-- WooCommerce order line items as the shop holds them, in the order's currency: the item name, the
-- product's (variation's) SKU, the attributes printed under the line, quantity, line amounts before
-- coupons excl. VAT (_line_subtotal) and their VAT (_line_subtotal_tax), the rate of its tax items
WITH im AS (
    SELECT m.order_item_id,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_product_id') AS product_id,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_variation_id') AS variation_id,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = '_qty') AS DECIMAL(18,4)) AS qty,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = '_line_subtotal') AS DECIMAL(18,6)) AS subtotal,
        TRY_CAST(max(m.meta_value) FILTER (WHERE m.meta_key = '_line_subtotal_tax') AS DECIMAL(18,6)) AS subtotal_tax,
        string_agg(coalesce(html_decode(a.attribute_label), m.meta_key) || ': ' || coalesce(html_decode(t.name), m.meta_value), ', ' ORDER BY m.meta_id)
            FILTER (WHERE m.meta_key NOT LIKE '\_%' ESCAPE '\' AND coalesce(m.meta_value, '') <> '') AS options
    FROM src.woocommerce_order_itemmeta m
    LEFT JOIN src.woocommerce_attribute_taxonomies a ON m.meta_key = 'pa_' || a.attribute_name
    LEFT JOIN (SELECT tt.taxonomy, t.slug, min(t.name) AS name FROM src.term_taxonomy tt JOIN src.terms t ON t.term_id = tt.term_id
               GROUP BY ALL) t ON t.taxonomy = m.meta_key AND t.slug = m.meta_value
    WHERE m.order_item_id IN (SELECT order_item_id FROM src.woocommerce_order_items WHERE order_item_type = 'line_item')
    GROUP BY m.order_item_id
),
currencies AS (
    SELECT id, currency FROM src.wc_orders WHERE getvariable('hpos')
    UNION ALL SELECT post_id, max(meta_value) FROM src.postmeta WHERE NOT getvariable('hpos') AND meta_key = '_order_currency' GROUP BY post_id
)
SELECT
    CAST(i.order_id AS VARCHAR) AS order_source_id,
    CAST(i.order_item_id AS VARCHAR) AS source_id,
    html_decode(i.order_item_name) AS name,
    (SELECT max(meta_value) FROM src.postmeta WHERE meta_key = '_sku'
      AND post_id = coalesce(nullif(TRY_CAST(im.variation_id AS BIGINT), 0), TRY_CAST(im.product_id AS BIGINT))) AS sku,
    im.options AS options,
    im.qty AS quantity,
    CASE WHEN im.qty <> 0 THEN div4(im.subtotal, im.qty) END AS unit_price,
    im.subtotal AS line_total,
    im.subtotal + coalesce(im.subtotal_tax, 0) AS line_total_gross,
    CASE WHEN im.subtotal <> 0 THEN round(div4(100 * coalesce(im.subtotal_tax, 0), im.subtotal), 2) END AS tax_rate,
    c.currency AS currency
FROM src.woocommerce_order_items i
LEFT JOIN im ON im.order_item_id = i.order_item_id
LEFT JOIN currencies c ON c.id = i.order_id
WHERE i.order_item_type = 'line_item'
