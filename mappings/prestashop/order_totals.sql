-- entity: order_totals
-- reads: orders, order_cart_rule, carrier, pkg.order_lines
-- From the order's own totals, converted to the shop's currency with its conversion_rate:
--   subtotal = total_products (net), shipping = total_shipping_tax_excl, fee = gift wrapping
--   (total_wrapping_tax_excl, when not 0), discount = -total_discounts_tax_excl (when not 0),
--   tax = total_paid_tax_incl - total_paid_tax_excl, total = total_paid_tax_incl.
-- So subtotal + shipping + fee + discount + tax = total whenever PrestaShop's
-- total_paid_tax_excl = total_products + shipping + wrapping - discounts (the check reports
-- an order where it is not).
-- The VAT is one row per rate: the lines' VAT by their rate, shipping and wrapping VAT at
-- their own rate (carrier_tax_rate, else derived), the discount's VAT at the order's main line
-- rate; whatever rounding leaves over goes to the largest row, so the rows add up to
-- total_paid_tax_incl - total_paid_tax_excl to the cent.
WITH o AS (
    SELECT o.id_order,
           CAST(CASE WHEN o.id_currency = getvariable('default_currency_id') OR o.conversion_rate IS NULL OR o.conversion_rate <= 0
                     THEN 1 ELSE o.conversion_rate END AS DECIMAL(38,10)) AS conv,
           o.total_products, o.total_shipping_tax_excl, o.total_shipping_tax_incl, o.carrier_tax_rate,
           o.total_wrapping_tax_excl, o.total_wrapping_tax_incl,
           o.total_discounts_tax_excl, o.total_discounts_tax_incl,
           o.total_paid_tax_excl, o.total_paid_tax_incl
    FROM src.orders o
    WHERE o.id_shop = getvariable('shop_id')  -- the orders of other shops are left out (orders.sql says so)
),
m AS MATERIALIZED (  -- amounts in the shop's currency
    SELECT id_order,
           div4(total_products, conv) AS subtotal,
           div4(total_shipping_tax_excl, conv) AS shipping,
           div4(total_shipping_tax_incl, conv) - div4(total_shipping_tax_excl, conv) AS shipping_vat,
           CASE WHEN carrier_tax_rate > 0 THEN CAST(carrier_tax_rate AS DECIMAL(12,4))
                WHEN total_shipping_tax_excl > 0 THEN div4(100 * (total_shipping_tax_incl - total_shipping_tax_excl), total_shipping_tax_excl)
                ELSE 0 END AS shipping_rate,
           div4(total_wrapping_tax_excl, conv) AS wrapping,
           div4(total_wrapping_tax_incl, conv) - div4(total_wrapping_tax_excl, conv) AS wrapping_vat,
           CASE WHEN total_wrapping_tax_excl > 0 THEN div4(100 * (total_wrapping_tax_incl - total_wrapping_tax_excl), total_wrapping_tax_excl)
                ELSE 0 END AS wrapping_rate,
           div4(total_discounts_tax_excl, conv) AS discount,
           div4(total_discounts_tax_incl, conv) - div4(total_discounts_tax_excl, conv) AS discount_vat,
           div4(total_paid_tax_incl, conv) - div4(total_paid_tax_excl, conv) AS vat,
           div4(total_paid_tax_incl, conv) AS total
    FROM o
),
snap AS (  -- rates as order lines have them: whole percents when within 0.05
    SELECT id_order,
           CAST(CASE WHEN abs(shipping_rate - round(shipping_rate)) < 0.05 THEN round(shipping_rate) ELSE round(shipping_rate, 2) END AS DECIMAL(5,2)) AS shipping_rate,
           CAST(CASE WHEN abs(wrapping_rate - round(wrapping_rate)) < 0.05 THEN round(wrapping_rate) ELSE round(wrapping_rate, 2) END AS DECIMAL(5,2)) AS wrapping_rate
    FROM m
),
line_vat AS (
    SELECT CAST(order_source_id AS VARCHAR) AS oid, tax_rate, sum(coalesce(line_total_gross, line_total) - line_total) AS vat
    FROM pkg.order_lines GROUP BY ALL
),
main_rate AS (
    SELECT oid, arg_max(tax_rate, vat) AS rate FROM line_vat GROUP BY oid
),
vat_parts AS (
    SELECT oid, tax_rate, vat FROM line_vat
    UNION ALL SELECT sid(m.id_order), s.shipping_rate, m.shipping_vat FROM m JOIN snap s USING (id_order) WHERE m.shipping_vat <> 0
    UNION ALL SELECT sid(m.id_order), s.wrapping_rate, m.wrapping_vat FROM m JOIN snap s USING (id_order) WHERE m.wrapping_vat <> 0
    UNION ALL SELECT sid(m.id_order), coalesce(r.rate, 0), -m.discount_vat FROM m LEFT JOIN main_rate r ON r.oid = sid(m.id_order) WHERE m.discount_vat <> 0
),
vat_by_rate AS (
    SELECT oid, tax_rate, sum(vat) AS vat FROM vat_parts GROUP BY ALL
),
vat_rows AS (  -- the rounding rest goes to the largest row; an order with VAT but no parts gets one row
    SELECT sid(m.id_order) AS oid, v.tax_rate,
           coalesce(v.vat, 0) + CASE WHEN row_number() OVER (PARTITION BY m.id_order ORDER BY abs(v.vat) DESC NULLS LAST, v.tax_rate DESC) = 1
                                     THEN m.vat - coalesce(sum(v.vat) OVER (PARTITION BY m.id_order), 0) ELSE 0 END AS vat
    FROM m LEFT JOIN vat_by_rate v ON v.oid = sid(m.id_order)
),
discount_names AS (
    SELECT id_order, string_agg(blank_null(name), ', ' ORDER BY id_order_cart_rule) AS names
    FROM src.order_cart_rule GROUP BY id_order
),
rows AS (
    SELECT sid(id_order) AS oid, 'subtotal' AS class, 'Delsum' AS title, subtotal AS value, NULL::DECIMAL(5,2) AS tax_rate, 1 AS sort_order, 1 AS n FROM m
    UNION ALL
    SELECT sid(m.id_order), 'discount', 'Rabatt' || coalesce(' (' || d.names || ')', ''), -m.discount, NULL, 2, 1
    FROM m LEFT JOIN discount_names d USING (id_order) WHERE m.discount <> 0
    UNION ALL
    SELECT sid(m.id_order), 'shipping', 'Frakt', m.shipping, CASE WHEN s.shipping_rate > 0 THEN s.shipping_rate END, 3, 1
    FROM m JOIN snap s USING (id_order)
    UNION ALL
    SELECT sid(m.id_order), 'fee', 'Gaveinnpakning', m.wrapping, CASE WHEN s.wrapping_rate > 0 THEN s.wrapping_rate END, 4, 1
    FROM m JOIN snap s USING (id_order) WHERE m.wrapping <> 0
    UNION ALL
    SELECT oid, 'tax', 'MVA' || coalesce(' ' || rtrim(rtrim(CAST(tax_rate AS VARCHAR), '0'), '.') || '%', ''), vat, tax_rate, 5,
           CAST(row_number() OVER (PARTITION BY oid ORDER BY tax_rate DESC NULLS LAST) AS INTEGER)
    FROM vat_rows WHERE vat <> 0
    UNION ALL
    SELECT sid(id_order), 'total', 'Totalt', total, NULL, 9, 1 FROM m
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
