-- Stock per product. With MSI (inventory_source_item holds rows): the quantity on hand of the product's SKU in
-- the enabled sources of the shop's website's stock, in-stock source items only (what Magento ships from); else
-- the legacy cataloginventory_stock_item.qty. `reserved`: pieces MSI holds for orders not yet shipped (its
-- reservations for the stock add up below zero); they are still on hand. `managed`: the item's Manage Stock, or
-- the shop's setting when the item uses it.
WITH msi AS (
    SELECT si.sku, sum(si.quantity) FILTER (WHERE si.status = 1) AS qty
    FROM src.inventory_source_item si
    JOIN src.inventory_source_stock_link l ON l.source_code = si.source_code AND l.stock_id = getvariable('msi_stock_id')
    LEFT JOIN src.inventory_source s ON s.source_code = si.source_code
    WHERE coalesce(s.enabled, 1) = 1
    GROUP BY si.sku
),
reserved AS (
    SELECT sku, sum(quantity) AS quantity FROM src.inventory_reservation
    WHERE stock_id = getvariable('msi_stock_id') GROUP BY sku
),
legacy AS (
    SELECT product_id, qty,
           CASE WHEN use_config_manage_stock = 1 THEN getvariable('stock_managed') ELSE manage_stock = 1 END AS managed,
           row_number() OVER (PARTITION BY product_id ORDER BY (website_id = 0) DESC, stock_id) AS n
    FROM src.cataloginventory_stock_item
)
SELECT p.entity_id,
       coalesce(l.managed, getvariable('stock_managed')) AS managed,
       CAST(CASE WHEN getvariable('msi') THEN coalesce(m.qty, 0) ELSE l.qty END AS DECIMAL(18,4)) AS qty,
       CASE WHEN getvariable('msi') AND r.quantity < 0 THEN -r.quantity END AS reserved
FROM shop.product_rows p
LEFT JOIN legacy l ON l.product_id = p.entity_id AND l.n = 1
LEFT JOIN msi m ON m.sku = p.sku
LEFT JOIN reserved r ON r.sku = p.sku
