-- entity: order_lines
-- reads: order, order_line_item, currency
-- One row per line item of a live order that is a position of its own: products and the lines the
-- administration adds (type 'custom'). Promotions and credits are discounts (order_totals.sql); the
-- children of a container line are inside their parent's price and are not lines of their own.
-- The amounts come from the line's price JSON (CalculatedPrice: totalPrice, and calculatedTaxes with
-- the VAT of each rate): net = totalPrice minus its taxes when the order was calculated gross
-- (price.taxStatus 'gross'), totalPrice as it is for net and tax-free orders; divided by the order's
-- currency_factor for an order in another currency (exactly: div4()). The rate is the line's tax
-- rate (the largest share when a line was taxed at several). The product is the parent of a variant
-- (the payload's parentId, written at checkout: the product may be gone since); options are the
-- payload's [{group, option}] as the customer saw them; the SKU is the payload's productNumber.
WITH orders AS (
    SELECT id, version_id, json_extract_string(price, '$.taxStatus') AS tax_status,
           CAST(CASE WHEN currency_id = getvariable('system_currency') OR currency_factor IS NULL OR currency_factor <= 0
                     THEN 1 ELSE CAST(CAST(currency_factor AS VARCHAR) AS DECIMAL(20,10)) END AS DECIMAL(20,10)) AS factor
    FROM src."order" WHERE version_id = getvariable('live_version')
),
items AS (
    SELECT li.*, o.tax_status, o.factor,
           CAST(json_extract_string(li.price, '$.totalPrice') AS DECIMAL(38,10)) AS total,
           from_json(json_extract(li.price, '$.calculatedTaxes'), '[{"tax":"VARCHAR","taxRate":"VARCHAR","price":"VARCHAR"}]') AS taxes
    FROM src.order_line_item li
    JOIN orders o ON o.id = li.order_id AND o.version_id = li.order_version_id
    WHERE li.version_id = getvariable('live_version') AND li.parent_id IS NULL
      AND coalesce(li.type, 'product') NOT IN ('promotion', 'credit', 'discount')
),
amounts AS (
    SELECT i.*,
           coalesce((SELECT sum(CAST(t.tax AS DECIMAL(38,10))) FROM unnest(i.taxes) AS u(t)), 0) AS tax,
           (SELECT CAST(t.taxRate AS DECIMAL(9,3)) FROM unnest(i.taxes) AS u(t)
             ORDER BY abs(CAST(t.price AS DECIMAL(38,10))) DESC, CAST(t.taxRate AS DECIMAL(9,3)) DESC LIMIT 1) AS rate,
           from_json(json_extract(i.payload, '$.options'), '[{"group":"VARCHAR","option":"VARCHAR"}]') AS options,
           blank_null(json_extract_string(i.payload, '$.parentId')) AS parent_hex
    FROM items i
),
money AS (
    SELECT a.*,
           div4(CASE WHEN a.tax_status = 'gross' THEN a.total - a.tax ELSE a.total END, a.factor) AS net,
           div4(CASE WHEN a.tax_status = 'net' THEN a.total + a.tax ELSE a.total END, a.factor) AS gross
    FROM amounts a
)
SELECT
    lower(hex(m.id)) AS source_id,
    lower(hex(m.order_id)) AS order_source_id,
    CASE WHEN m.product_id IS NOT NULL THEN coalesce(m.parent_hex, lower(hex(m.product_id))) END AS product_source_id,
    CASE WHEN m.product_id IS NOT NULL AND m.parent_hex IS NOT NULL THEN lower(hex(m.product_id)) END AS variant_source_id,
    coalesce(blank_null(m.label), 'Produkt') AS name,
    blank_null(json_extract_string(m.payload, '$.productNumber')) AS sku,
    CASE WHEN len(m.options) > 0 AND len(list_distinct(list_transform(m.options, lambda o: o."group"))) = len(m.options)
         THEN map_from_entries(list_transform(m.options, lambda o: {'key': o."group", 'value': o.option})) END AS options,
    CAST(m.quantity AS INTEGER) AS quantity,
    CASE WHEN m.quantity <> 0 THEN div4(m.net, m.quantity) ELSE m.net END AS unit_price,
    CAST(CASE WHEN m.tax_status = 'tax-free' THEN 0 ELSE coalesce(m.rate, 0) END AS DECIMAL(5,2)) AS tax_rate,
    m.net AS line_total,
    m.gross AS line_total_gross,
    CASE WHEN m.type NOT IN ('product', 'custom') THEN 'name@UNKNOWN_LINE_TYPE: line item of type ' || m.type || ' is migrated as an order line' END AS _warn
FROM money m
