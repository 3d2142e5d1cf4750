-- entity: order_lines
-- reads: sales_order_item, sales_order, catalog_product_entity (shop.product_rows: simple_sku of an old configurable line)
-- One line per item the customer put in the cart: the rows without a parent_item_id. A configurable product's
-- sale is two rows, the configurable (with the prices, the chosen simple's SKU and the chosen options in
-- product_options) and the simple child (parent_item_id set, price 0): one line, the product the configurable
-- one and the variant the child (else the product with product_options' simple_sku, for orders whose child row
-- is missing). A bundle priced from its parts has its amounts on the child rows: they are added up.
-- Amounts are the base currency's (the shop's, as order_totals.sql): line_total is the row total net of VAT
-- before the order's discount (the discount is its own order_totals row), line_total_gross with VAT.
-- Options are the options as ordered (product_options: attributes_info of a configurable product, options the
-- customer filled in), label to value.
WITH items AS (
    SELECT i.*, coalesce(TRY_CAST(i.product_options AS JSON), TRY_CAST(php_json(i.product_options) AS JSON)) AS opts
    FROM src.sales_order_item i
    JOIN src.sales_order o ON o.entity_id = i.order_id
    WHERE o.store_id IN (SELECT store_id FROM shop.stores)  -- other websites' orders are left out (orders.sql)
),
kids AS (
    SELECT parent_item_id, arg_min(product_id, item_id) AS product_id, sum(base_row_total) AS base_row_total,
           sum(base_row_total_incl_tax) AS base_row_total_incl_tax, max(tax_percent) AS tax_percent
    FROM items WHERE parent_item_id IS NOT NULL GROUP BY parent_item_id
),
options AS (  -- in the order Magento wrote them
    SELECT item_id, list_filter(list_transform(
               coalesce(from_json(json_extract(opts, '$.attributes_info'), '[{"label":"VARCHAR","value":"VARCHAR"}]'), [])
               || coalesce(from_json(json_extract(opts, '$.options'), '[{"label":"VARCHAR","value":"VARCHAR"}]'), []),
               lambda e: {'key': trim(e.label), 'value': trim(e.value)}), lambda e: blank_null(e.key) IS NOT NULL) AS entries
    FROM items WHERE parent_item_id IS NULL
),
lines AS (
    SELECT i.item_id, i.order_id, i.product_id, i.product_type, i.name, i.sku, i.qty_ordered, i.opts,
           k.product_id AS child_product_id,
           -- the configurable row carries the prices; a bundle priced from its parts has them on its children
           coalesce(CASE WHEN coalesce(i.base_row_total, 0) = 0 AND k.base_row_total <> 0 THEN k.base_row_total END,
                    i.base_row_total, 0) AS line_total,
           coalesce(CASE WHEN coalesce(i.base_row_total, 0) = 0 AND k.base_row_total <> 0 THEN k.base_row_total_incl_tax END,
                    i.base_row_total_incl_tax) AS line_total_gross,
           coalesce(CASE WHEN coalesce(i.tax_percent, 0) = 0 THEN k.tax_percent END, i.tax_percent, 0) AS tax_percent
    FROM items i LEFT JOIN kids k ON k.parent_item_id = i.item_id
    WHERE i.parent_item_id IS NULL
)
SELECT
    sid(l.item_id) AS source_id,
    sid(l.order_id) AS order_source_id,
    sid(l.product_id) AS product_source_id,
    CASE WHEN l.product_type = 'configurable' THEN sid(coalesce(l.child_product_id, sp.entity_id)) END AS variant_source_id,
    coalesce(blank_null(l.name), 'Produkt ' || l.product_id) AS name,
    blank_null(l.sku) AS sku,
    CASE WHEN len(o.entries) > 0 AND len(list_distinct(list_transform(o.entries, lambda e: e.key))) = len(o.entries)
         THEN map_from_entries(o.entries) END AS options,
    CAST(round(l.qty_ordered) AS INTEGER) AS quantity,
    CASE WHEN round(l.qty_ordered) <> 0 THEN div4(l.line_total, round(l.qty_ordered)) ELSE money(l.line_total) END AS unit_price,
    CAST(l.tax_percent AS DECIMAL(5,2)) AS tax_rate,
    money(l.line_total) AS line_total,
    money(l.line_total_gross) AS line_total_gross,
    CASE WHEN l.qty_ordered <> round(l.qty_ordered)
         THEN 'quantity@DECIMAL_QUANTITY: a quantity with decimals (' || CAST(CAST(l.qty_ordered AS DECIMAL(12,4)) AS VARCHAR)
              || ') is rounded; the line total is kept' END AS _warn
FROM lines l
LEFT JOIN options o ON o.item_id = l.item_id
LEFT JOIN shop.product_rows sp
       ON l.product_type = 'configurable' AND l.child_product_id IS NULL AND sp.sku = l.opts->>'simple_sku'
