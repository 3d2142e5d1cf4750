-- entity: order_lines
-- reads: order_detail, order_detail_tax, tax, orders, product_lang, product_attribute_combination, attribute_lang, attribute_group_lang
-- One row per order_detail. Amounts are NET (tax excluded), converted to the shop's currency
-- with the order's conversion_rate. line_total is total_price_tax_excl, unless that disagrees
-- with unit_price_tax_excl x quantity while the tax-included figures agree (a broken row, seen
-- in real dumps): then it is unit price x quantity, with a warning.
-- The VAT rate is the sum of the line's taxes (order_detail_tax -> tax.rate), else
-- order_detail.tax_rate, else derived from the line's totals incl./excl. (whole percents when
-- within 0.05; order lines keep the rate charged, even a foreign or historical one).
-- Options come from the name as ordered ("T-shirt - Color : White, Size : S"), else from the
-- combination in the catalogue (attribute group public name -> attribute name, main language).
WITH od AS (
    SELECT d.*,
           CAST(CASE WHEN o.id_currency = getvariable('default_currency_id') OR o.conversion_rate IS NULL OR o.conversion_rate <= 0
                     THEN 1 ELSE o.conversion_rate END AS DECIMAL(38,10)) AS conv
    FROM src.order_detail d
    JOIN src.orders o ON o.id_order = d.id_order
    WHERE o.id_shop = getvariable('shop_id')  -- the orders of other shops are left out (orders.sql says so)
),
taxes AS (
    SELECT dt.id_order_detail, sum(t.rate) AS rate
    FROM src.order_detail_tax dt JOIN src.tax t ON t.id_tax = dt.id_tax
    GROUP BY dt.id_order_detail
),
pnames AS (
    SELECT id_product, name FROM src.product_lang
    WHERE id_shop = getvariable('shop_id') AND id_lang = getvariable('main_language_id') AND blank_null(name) IS NOT NULL
),
catalog_options AS (
    SELECT pac.id_product_attribute,
           map_from_entries(list({'key': coalesce(blank_null(gl.public_name), gl.name), 'value': al.name} ORDER BY g.position, g.id_attribute_group)) AS options,
           count(*) = count(DISTINCT coalesce(blank_null(gl.public_name), gl.name)) AS unique_keys
    FROM src.product_attribute_combination pac
    JOIN src.attribute a ON a.id_attribute = pac.id_attribute
    JOIN src.attribute_group g ON g.id_attribute_group = a.id_attribute_group
    JOIN src.attribute_lang al ON al.id_attribute = a.id_attribute AND al.id_lang = getvariable('main_language_id')
    JOIN src.attribute_group_lang gl ON gl.id_attribute_group = g.id_attribute_group AND gl.id_lang = getvariable('main_language_id')
    WHERE pac.id_product_attribute IN (SELECT product_attribute_id FROM od)  -- the combinations ordered, not the catalogue
    GROUP BY pac.id_product_attribute
),
lines AS (
    SELECT od.*,
           t.rate AS detail_tax_rate,
           -- the attribute part of the name as ordered
           CASE WHEN od.product_attribute_id > 0 THEN coalesce(
               CASE WHEN pn.name IS NOT NULL AND starts_with(od.product_name, pn.name)
                         AND regexp_matches(trim(ltrim(substr(od.product_name, length(pn.name) + 1), ' -')), '^[^:,]+ : [^,]+(, [^:,]+ : [^,]+)*$')
                    THEN trim(ltrim(substr(od.product_name, length(pn.name) + 1), ' -')) END,
               nullif(regexp_extract(od.product_name, ' - ([^:,]+ : [^,]+(, [^:,]+ : [^,]+)*)$', 1), '')) END AS tail,
           div4(od.total_price_tax_excl, od.conv) AS te,
           div4(od.total_price_tax_incl, od.conv) AS ti,
           div4(od.unit_price_tax_excl * od.product_quantity, od.conv) AS ue_q,
           abs(od.total_price_tax_excl - od.unit_price_tax_excl * od.product_quantity) > 0.01 + 0.005 * od.product_quantity
             AND abs(od.total_price_tax_incl - od.unit_price_tax_incl * od.product_quantity) <= 0.01 + 0.005 * od.product_quantity
             AS broken_total
    FROM od
    LEFT JOIN taxes t ON t.id_order_detail = od.id_order_detail
    LEFT JOIN pnames pn ON pn.id_product = od.product_id
),
lines2 AS (
    SELECT l.*,
           CASE WHEN l.broken_total THEN l.ue_q ELSE l.te END AS line_total,
           CASE WHEN l.tail IS NOT NULL THEN list_transform(string_split(l.tail, ', '),
                    lambda kv: {'key': trim(split_part(kv, ' : ', 1)), 'value': trim(split_part(kv, ' : ', 2))}) END AS parsed,
           CASE WHEN l.detail_tax_rate IS NOT NULL THEN CAST(l.detail_tax_rate AS DECIMAL(9,3))
                WHEN l.tax_rate > 0 THEN CAST(l.tax_rate AS DECIMAL(9,3))
                WHEN (CASE WHEN l.broken_total THEN l.ue_q ELSE l.te END) > 0
                THEN div4(100 * (l.ti - (CASE WHEN l.broken_total THEN l.ue_q ELSE l.te END)), CASE WHEN l.broken_total THEN l.ue_q ELSE l.te END)
                WHEN l.unit_price_tax_excl > 0 THEN div4(100 * (l.unit_price_tax_incl - l.unit_price_tax_excl), l.unit_price_tax_excl)
                ELSE 0 END AS raw_rate
    FROM lines l
)
SELECT
    sid(l.id_order_detail) AS source_id,
    sid(l.id_order) AS order_source_id,
    CASE WHEN l.product_id > 0 THEN sid(l.product_id) END AS product_source_id,
    CASE WHEN l.product_attribute_id > 0 THEN sid(l.product_attribute_id) END AS variant_source_id,
    coalesce(blank_null(l.product_name), 'Produkt ' || l.product_id) AS name,
    blank_null(l.product_reference) AS sku,
    CASE WHEN l.parsed IS NOT NULL AND len(list_distinct(list_transform(l.parsed, lambda e: e.key))) = len(l.parsed)
         THEN map_from_entries(l.parsed)
         WHEN co.unique_keys THEN co.options END AS options,
    CAST(l.product_quantity AS INTEGER) AS quantity,
    CASE WHEN l.product_quantity <> 0 THEN div4(l.line_total, l.product_quantity) ELSE div4(l.unit_price_tax_excl, l.conv) END AS unit_price,
    CAST(CASE WHEN abs(l.raw_rate - round(l.raw_rate)) < 0.05 THEN round(l.raw_rate) ELSE round(l.raw_rate, 2) END AS DECIMAL(5,2)) AS tax_rate,
    l.line_total,
    l.ti AS line_total_gross,
    CASE WHEN l.broken_total
         THEN 'line_total@LINE_TOTAL_INCONSISTENT: total_price_tax_excl ' || CAST(l.total_price_tax_excl AS DECIMAL(18,2))
              || ' is not unit price x quantity (' || CAST(l.unit_price_tax_excl AS DECIMAL(18,2)) || ' x ' || l.product_quantity
              || '); unit price x quantity used' END AS _warn
FROM lines2 l
LEFT JOIN catalog_options co ON co.id_product_attribute = l.product_attribute_id
