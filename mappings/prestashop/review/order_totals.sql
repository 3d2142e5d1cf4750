-- PrestaShop order totals as the order holds them, in the order's currency: products excl. VAT,
-- discounts, shipping and gift wrapping excl. VAT, the VAT (paid incl. - paid excl.; PrestaShop
-- keeps no split by rate on the order) and the total paid incl. VAT
WITH o AS (
    SELECT o.*, (SELECT cu.iso_code FROM src.currency cu WHERE cu.id_currency = o.id_currency) AS currency FROM src.orders o
)
SELECT CAST(id_order AS VARCHAR) AS order_source_id, 'subtotal' AS class, total_products AS value, NULL::DECIMAL(9,3) AS tax_rate,
       currency, 1 AS sort_order FROM o
UNION ALL SELECT CAST(id_order AS VARCHAR), 'discount', -total_discounts_tax_excl, NULL, currency, 2 FROM o WHERE total_discounts_tax_excl <> 0
UNION ALL SELECT CAST(id_order AS VARCHAR), 'shipping', total_shipping_tax_excl, nullif(carrier_tax_rate, 0), currency, 3 FROM o
UNION ALL SELECT CAST(id_order AS VARCHAR), 'fee', total_wrapping_tax_excl, NULL, currency, 4 FROM o WHERE total_wrapping_tax_excl <> 0
UNION ALL SELECT CAST(id_order AS VARCHAR), 'tax', total_paid_tax_incl - total_paid_tax_excl, NULL, currency, 5 FROM o
UNION ALL SELECT CAST(id_order AS VARCHAR), 'total', total_paid_tax_incl, NULL, currency, 9 FROM o
