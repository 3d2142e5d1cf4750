-- entity: product_variants
-- reads: product_attribute, product_attribute_shop, product_attribute_combination, attribute, attribute_group, product, product_shop, stock_available, tax_rule, tax
-- A combination is a variant: its attributes (one per attribute group) are the option values,
-- stock is its stock_available row (of the shop, or of the shop group when stock is shared),
-- price_difference is the shop's price impact (NET, like every PrestaShop price).
-- A combination's reference equal to the product's is inherited, not an article number of its
-- own (PrestaShop copies it), and is left empty; so is a reference another combination of the
-- product already has.
WITH combos AS (
    SELECT pac.id_product_attribute,
           list(sid(pac.id_attribute) ORDER BY g.position, g.id_attribute_group, a.position, a.id_attribute) AS ids,
           count(*) AS n_values,
           count(DISTINCT a.id_attribute_group) AS n_groups
    FROM src.product_attribute_combination pac
    JOIN src.attribute a ON a.id_attribute = pac.id_attribute
    JOIN src.attribute_group g ON g.id_attribute_group = a.id_attribute_group
    GROUP BY pac.id_product_attribute
),
stock AS (
    SELECT sa.id_product_attribute, sa.quantity,
           row_number() OVER (PARTITION BY sa.id_product_attribute ORDER BY (sa.id_shop = getvariable('shop_id')) DESC, sa.id_stock_available) AS pick
    FROM src.stock_available sa
    WHERE sa.id_product_attribute > 0
      AND (sa.id_shop = getvariable('shop_id') OR (sa.id_shop = 0 AND sa.id_shop_group = getvariable('shop_group_id')))
),
ean AS (
    SELECT id_product_attribute, blank_null(ean13) AS raw,
           CASE WHEN regexp_matches(trim(ean13), '^([0-9]{8}|[0-9]{12,14})$') AND NOT regexp_matches(trim(ean13), '^0+$')
                THEN trim(ean13) END AS ean
    FROM src.product_attribute
),
rates AS (
    SELECT r.id_tax_rules_group, t.rate,
           row_number() OVER (PARTITION BY r.id_tax_rules_group
                              ORDER BY (r.id_country = getvariable('default_country_id')) DESC,
                                       (r.id_state = 0) DESC, (t.deleted = 0) DESC, r.id_tax_rule) AS pick
    FROM src.tax_rule r JOIN src.tax t ON t.id_tax = r.id_tax
),
refs AS (
    SELECT pa.id_product_attribute, blank_null(pa.reference) AS ref,
           blank_null(pa.reference) = blank_null(p.reference) AS inherited,
           min(pa.id_product_attribute) OVER (PARTITION BY pa.id_product, blank_null(pa.reference)) AS first_with_ref
    FROM src.product_attribute pa JOIN src.product p ON p.id_product = pa.id_product
)
SELECT
    sid(pa.id_product_attribute) AS source_id,
    sid(pa.id_product) AS product_source_id,
    c.ids AS option_value_source_ids,
    CASE WHEN NOT coalesce(r.inherited, false) AND r.first_with_ref = pa.id_product_attribute THEN r.ref END AS sku,
    e.ean,
    CASE WHEN getvariable('stock_managed') THEN CAST(coalesce(s.quantity, 0) AS INTEGER) END AS quantity,
    -- 0 is "not set": the combination's own wholesale price, else the product's, else none
    money(CASE WHEN pas.wholesale_price > 0 THEN pas.wholesale_price WHEN ps.wholesale_price > 0 THEN ps.wholesale_price END) AS cost,
    money(pas.price) AS price_difference,
    -- audit: the combination's price as the shop showed it (product price + impact, with VAT)
    gross(ps.price + pas.price, rt.rate) AS price_gross,
    false AS disabled,
    CASE WHEN ps.id_product IS NULL THEN 'OTHER_SHOP: product is not in the migrated shop (product_shop)'
         WHEN pas.id_product_attribute IS NULL THEN 'OTHER_SHOP: combination is not in the migrated shop (product_attribute_shop)'
         WHEN c.ids IS NULL THEN 'NO_OPTION_VALUES: combination has no attributes' END AS _skip,
    nullif(concat_ws('|',
        CASE WHEN c.n_groups < c.n_values
             THEN 'option_value_source_ids@DUPLICATE_OPTION: combination has two values of the same attribute group' END,
        CASE WHEN e.raw IS NOT NULL AND e.ean IS NULL AND NOT regexp_full_match(e.raw, '0+')  -- 0 = none
             THEN 'ean@INVALID_EAN: ean13 ' || e.raw || ' is not a GTIN (8, 12, 13 or 14 digits); left empty' END,
        CASE WHEN r.ref IS NOT NULL AND NOT coalesce(r.inherited, false) AND r.first_with_ref <> pa.id_product_attribute
             THEN 'sku@DUPLICATE_SKU: reference ' || r.ref || ' is also combination ' || r.first_with_ref || '''s; left empty here' END,
        CASE WHEN getvariable('stock_managed') AND s.quantity IS NULL
             THEN 'quantity@NO_STOCK_ROW: combination has no stock_available row; stock 0' END
    ), '') AS _warn
FROM src.product_attribute pa
LEFT JOIN src.product_shop ps ON ps.id_product = pa.id_product AND ps.id_shop = getvariable('shop_id')
LEFT JOIN src.product_attribute_shop pas ON pas.id_product_attribute = pa.id_product_attribute AND pas.id_shop = getvariable('shop_id')
LEFT JOIN combos c ON c.id_product_attribute = pa.id_product_attribute
LEFT JOIN stock s ON s.id_product_attribute = pa.id_product_attribute AND s.pick = 1
LEFT JOIN ean e ON e.id_product_attribute = pa.id_product_attribute
LEFT JOIN refs r ON r.id_product_attribute = pa.id_product_attribute
LEFT JOIN rates rt ON rt.id_tax_rules_group = ps.id_tax_rules_group AND rt.pick = 1
