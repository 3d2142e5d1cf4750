-- PrestaShop order lines (order_detail) as the shop holds them, in the order's currency: the name
-- as ordered, reference, quantity, unit price and line total excl. VAT, line total incl. VAT, and
-- the VAT rate charged (the line's taxes, else its tax_rate)
SELECT
    CAST(d.id_order AS VARCHAR) AS order_source_id,
    CAST(d.id_order_detail AS VARCHAR) AS source_id,
    d.product_name AS name,
    d.product_reference AS sku,
    d.product_quantity AS quantity,
    d.unit_price_tax_excl AS unit_price,
    d.total_price_tax_excl AS line_total,
    d.total_price_tax_incl AS line_total_gross,
    coalesce((SELECT sum(t.rate) FROM src.order_detail_tax dt JOIN src.tax t ON t.id_tax = dt.id_tax
               WHERE dt.id_order_detail = d.id_order_detail), nullif(d.tax_rate, 0)) AS tax_rate,
    (SELECT cu.iso_code FROM src.orders o JOIN src.currency cu ON cu.id_currency = o.id_currency WHERE o.id_order = d.id_order) AS currency
FROM src.order_detail d
