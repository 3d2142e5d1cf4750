-- entity: product_variants
-- reads: product, product_option, property_group_option, property_group_translation, product_price, product_translation; pkg.tax_classes
-- A variant is a live product row with a parent_id; every field it leaves NULL is its parent's
-- (Shopware's inheritance: price, purchase price, active, tax). Its options are its product_option
-- rows (one property group option per group). The price difference is the variant's price minus
-- the parent's, both taken the way products.sql takes a price (gross at the Mystore class rate
-- when the shop shows gross prices): 0 when the variant inherits the price. Stock is the variant's
-- own available_stock (never inherited). An EAN the variant does not have itself stays empty (the
-- parent's EAN is the product's). A variant's own name has no place in Mystore: a note says so.
WITH live AS (
    SELECT * FROM src.product WHERE version_id = getvariable('live_version')
),
combos AS (
    SELECT po.product_id,
           list(lower(hex(o.id)) ORDER BY gt.position NULLS LAST, lower(gt.name), o.property_group_id, o.id) AS ids,
           count(*) AS n_values,
           count(DISTINCT o.property_group_id) AS n_groups
    FROM src.product_option po
    JOIN src.property_group_option o ON o.id = po.property_group_option_id
    LEFT JOIN src.property_group_translation gt ON gt.property_group_id = o.property_group_id AND gt.language_id = getvariable('system_language')
    WHERE po.product_version_id = getvariable('live_version')
    GROUP BY po.product_id
),
prices AS (
    SELECT p.id,
           CAST(json_extract_string(p.price, '$."' || getvariable('price_key') || '"."' || CASE WHEN getvariable('prices_gross') THEN 'gross' ELSE 'net' END || '"') AS DECIMAL(38,10)) AS shown,
           CAST(json_extract_string(p.price, '$."' || getvariable('price_key') || '".gross') AS DECIMAL(38,10)) AS gross,
           CAST(json_extract_string(p.price, '$."' || getvariable('price_key') || '".listPrice.gross') AS DECIMAL(38,10)) AS list_gross,
           CAST(json_extract_string(p.purchase_prices, '$."' || getvariable('price_key') || '".net') AS DECIMAL(38,10)) AS purchase_net
    FROM live p
),
advanced AS (
    SELECT product_id, count(*) AS n FROM src.product_price WHERE product_version_id = getvariable('live_version') GROUP BY product_id
),
own_names AS (  -- a variant's own name in the system language, where it differs from its parent's
    SELECT v.id, t.name
    FROM live v
    JOIN src.product_translation t ON t.product_id = v.id AND t.product_version_id = v.version_id
         AND t.language_id = getvariable('system_language') AND blank_null(t.name) IS NOT NULL
    LEFT JOIN src.product_translation pt ON pt.product_id = v.parent_id AND pt.product_version_id = v.version_id
         AND pt.language_id = getvariable('system_language')
    WHERE v.parent_id IS NOT NULL AND t.name IS DISTINCT FROM pt.name
),
x AS (
    SELECT v.*, p.id IS NOT NULL AS has_parent,
           coalesce(vp.shown, pp.shown) AS shown, pp.shown AS parent_shown,
           coalesce(vp.gross, pp.gross) AS gross,
           coalesce(vp.purchase_net, pp.purchase_net) AS purchase_net,
           vp.list_gross,
           tc.tax_rate AS class_rate,
           coalesce(v.active, p.active) AS is_active,
           CASE WHEN regexp_matches(trim(v.ean), '^([0-9]{8}|[0-9]{12,14})$') AND NOT regexp_matches(trim(v.ean), '^0+$') THEN trim(v.ean) END AS good_ean
    FROM live v
    LEFT JOIN live p ON p.id = v.parent_id
    LEFT JOIN prices vp ON vp.id = v.id
    LEFT JOIN prices pp ON pp.id = v.parent_id
    LEFT JOIN pkg.tax_classes tc ON tc.source_id = lower(hex(p.tax_id))
    WHERE v.parent_id IS NOT NULL
)
SELECT
    lower(hex(x.id)) AS source_id,
    lower(hex(x.parent_id)) AS product_source_id,
    c.ids AS option_value_source_ids,
    blank_null(x.product_number) AS sku,
    x.good_ean AS ean,
    CAST(coalesce(x.available_stock, x.stock) AS INTEGER) AS quantity,
    CASE WHEN x.purchase_net > 0 THEN money(x.purchase_net) END AS cost,
    coalesce(net_price(x.shown, x.class_rate, getvariable('prices_gross')), 0)
        - coalesce(net_price(x.parent_shown, x.class_rate, getvariable('prices_gross')), 0) AS price_difference,
    money(x.gross) AS price_gross,
    NOT coalesce(x.is_active = 1, false) AS disabled,
    CASE WHEN NOT x.has_parent THEN 'ORPHAN_VARIANT: the parent product is not in the dump'
         WHEN c.ids IS NULL THEN 'NO_OPTION_VALUES: variant has no options (product_option)' END AS _skip,
    CASE WHEN n.name IS NOT NULL THEN 'VARIANT_NAME_NOT_MIGRATED: the variant''s own name "' || n.name || '" has no place in Mystore (variants are named by their options)' END AS _note,
    nullif(concat_ws('|',
        CASE WHEN c.n_groups < c.n_values THEN 'option_value_source_ids@DUPLICATE_OPTION: variant has two options of the same property group' END,
        CASE WHEN blank_null(x.ean) IS NOT NULL AND x.good_ean IS NULL
             THEN 'ean@INVALID_EAN: ean ' || trim(x.ean) || ' is not a GTIN (8, 12, 13 or 14 digits); left empty' END,
        CASE WHEN x.list_gross > 0 THEN 'price_difference@LIST_PRICE_NOT_MIGRATED: the variant''s list price ("before" price) is not migrated' END,
        CASE WHEN a.n > 0 THEN 'price_difference@ADVANCED_PRICES_NOT_MIGRATED: ' || a.n || ' advanced price(s) of the variant are not migrated' END
    ), '') AS _warn
FROM x
LEFT JOIN combos c ON c.product_id = x.id
LEFT JOIN advanced a ON a.product_id = x.id
LEFT JOIN own_names n ON n.id = x.id
