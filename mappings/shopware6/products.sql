-- entity: products
-- reads: product, product_translation, product_category, category, main_category, product_visibility, product_price,
--        product_property, property_group_option, property_group_translation, property_group_option_translation, rule,
--        language, locale; pkg.tax_classes
-- A product is a live product row without a parent; its variants (rows with parent_id) are
-- product_variants. Texts per language, a missing language falling back to its parent language
-- (see manufacturers.sql). The price is the system currency's entry of the price JSON
-- ({"c<currency id>": {"net", "gross", "linked"}}): the gross price when the shop's customer group
-- sees gross prices, made net at the Mystore class's rate (so customers pay what they paid),
-- else the net price as it is. The list price ("before" price) and advanced prices (rule and
-- quantity prices, product_price) have no place in Mystore: reported. The purchase price
-- (purchase_prices JSON, net) is the cost. Stock is available_stock: what the shop could still
-- sell (6.4 keeps the items of open orders in `stock` until the order is completed; 6.5+ takes
-- them off at checkout and both are equal). Weight is kg in Shopware, grams here.
-- A product the storefront does not show (no visibility in the shop's sales channel, or "only by
-- direct link") is inactive in Mystore, with a note.
WITH live AS (
    SELECT * FROM src.product WHERE version_id = getvariable('live_version')
),
tr AS (
    SELECT p.id, l.key,
           coalesce(blank_null(t.name), blank_null(tp.name)) AS name,
           description_html(coalesce(blank_null(t.description), blank_null(tp.description)), NULL) AS description,
           coalesce(blank_null(t.meta_title), blank_null(tp.meta_title)) AS meta_title,
           coalesce(blank_null(t.meta_description), blank_null(tp.meta_description)) AS meta_description,
           coalesce(blank_null(t.keywords), blank_null(tp.keywords)) AS keywords
    FROM live p CROSS JOIN shop.languages l
    LEFT JOIN src.product_translation t ON t.product_id = p.id AND t.product_version_id = p.version_id AND t.language_id = l.id
    LEFT JOIN src.product_translation tp ON tp.product_id = p.id AND tp.product_version_id = p.version_id AND tp.language_id = l.parent_id
    WHERE p.parent_id IS NULL
),
texts AS (
    SELECT id,
           map_from_entries(list({'key': key, 'value': name}) FILTER (WHERE name IS NOT NULL)) AS name,
           map_from_entries(list({'key': key, 'value': slugify(name)}) FILTER (WHERE slugify(name) IS NOT NULL)) AS slug,
           map_from_entries(list({'key': key, 'value': description}) FILTER (WHERE description IS NOT NULL)) AS description,
           map_from_entries(list({'key': key, 'value': meta_title}) FILTER (WHERE meta_title IS NOT NULL)) AS meta_title,
           map_from_entries(list({'key': key, 'value': meta_description}) FILTER (WHERE meta_description IS NOT NULL)) AS meta_description,
           map_from_entries(list({'key': key, 'value': keywords}) FILTER (WHERE keywords IS NOT NULL)) AS meta_keywords
    FROM tr GROUP BY id
),
cats AS (  -- the main category of the shop's sales channel first; no root categories
    SELECT pc.product_id,
           list(lower(hex(pc.category_id)) ORDER BY (pc.category_id = mc.category_id) DESC NULLS LAST, c.level, pc.category_id) AS ids
    FROM src.product_category pc
    JOIN src.category c ON c.id = pc.category_id AND c.version_id = pc.category_version_id AND c.parent_id IS NOT NULL
    LEFT JOIN src.main_category mc ON mc.product_id = pc.product_id AND mc.sales_channel_id = getvariable('sales_channel_id')
    WHERE pc.product_version_id = getvariable('live_version') AND pc.category_version_id = getvariable('live_version')
    GROUP BY pc.product_id
),
visible AS (
    SELECT product_id, max(visibility) AS visibility FROM src.product_visibility
    WHERE sales_channel_id = getvariable('sales_channel_id') AND product_version_id = getvariable('live_version')
    GROUP BY product_id
),
prices AS (
    SELECT p.id,
           CAST(json_extract_string(p.price, '$."' || getvariable('price_key') || '".gross') AS DECIMAL(38,10)) AS gross,
           CAST(json_extract_string(p.price, '$."' || getvariable('price_key') || '".net') AS DECIMAL(38,10)) AS net,
           CAST(json_extract_string(p.price, '$."' || getvariable('price_key') || '".listPrice.gross') AS DECIMAL(38,10)) AS list_gross,
           CAST(json_extract_string(p.price, '$."' || getvariable('price_key') || '".listPrice.net') AS DECIMAL(38,10)) AS list_net,
           CAST(json_extract_string(p.purchase_prices, '$."' || getvariable('price_key') || '".net') AS DECIMAL(38,10)) AS purchase_net
    FROM live p
),
advanced AS (  -- rule and quantity prices of the product and its variants
    SELECT coalesce(p.parent_id, p.id) AS product_id, count(*) AS n,
           arg_min(coalesce(r.name, 'rule ' || lower(hex(pp.rule_id))) || ', from ' || pp.quantity_start || ' pcs: '
                   || CAST(CAST(json_extract_string(pp.price, '$."' || getvariable('price_key') || '"."' || CASE WHEN getvariable('prices_gross') THEN 'gross' ELSE 'net' END || '"') AS DECIMAL(18,2)) AS VARCHAR),
                   (pp.quantity_start, pp.id)) AS example
    FROM src.product_price pp
    JOIN live p ON p.id = pp.product_id AND p.version_id = pp.product_version_id
    LEFT JOIN src.rule r ON r.id = pp.rule_id
    GROUP BY ALL
),
properties AS (  -- product properties (filters), which Mystore has no place for
    SELECT pp.product_id, count(*) AS n,
           string_agg(coalesce(gt.name, '?') || ': ' || coalesce(ot.name, '?'), ', ' ORDER BY gt.name, ot.name) AS names
    FROM src.product_property pp
    JOIN src.property_group_option o ON o.id = pp.property_group_option_id
    LEFT JOIN src.property_group_translation gt ON gt.property_group_id = o.property_group_id AND gt.language_id = getvariable('system_language')
    LEFT JOIN src.property_group_option_translation ot ON ot.property_group_option_id = o.id AND ot.language_id = getvariable('system_language')
    WHERE pp.product_version_id = getvariable('live_version')
    GROUP BY pp.product_id
),
ean AS (  -- a GTIN is 8, 12, 13 or 14 digits
    SELECT id, blank_null(ean) AS raw,
           CASE WHEN regexp_matches(trim(ean), '^([0-9]{8}|[0-9]{12,14})$') AND NOT regexp_matches(trim(ean), '^0+$') THEN trim(ean) END AS ean
    FROM live
),
x AS (
    SELECT p.*, pr.gross, pr.net, pr.list_gross, pr.list_net, pr.purchase_net, tc.tax_rate AS class_rate,
           CASE WHEN getvariable('prices_gross') THEN pr.gross ELSE pr.net END AS shown,
           CASE WHEN getvariable('prices_gross') THEN pr.list_gross ELSE pr.list_net END AS list_shown
    FROM live p
    LEFT JOIN prices pr ON pr.id = p.id
    LEFT JOIN pkg.tax_classes tc ON tc.source_id = lower(hex(p.tax_id))
    WHERE p.parent_id IS NULL
)
SELECT
    lower(hex(x.id)) AS source_id,
    blank_null(x.product_number) AS sku,
    e.ean,
    blank_null(x.manufacturer_number) AS manufacturer_sku,
    t.name,  -- without Norwegian text the system language's is copied to 'no' after the mappings (map/languages.py)
    t.slug, t.description, t.meta_title, t.meta_description, t.meta_keywords,
    coalesce(net_price(x.shown, x.class_rate, getvariable('prices_gross')), 0) AS price,
    money(x.gross) AS price_gross,
    CASE WHEN x.purchase_net > 0 THEN money(x.purchase_net) END AS cost,  -- 0 is "not set"
    lower(hex(x.tax_id)) AS tax_class_source_id,
    lower(hex(x.product_manufacturer_id)) AS manufacturer_source_id,
    c.ids AS category_source_ids,
    CAST(coalesce(x.available_stock, x.stock) AS INTEGER) AS quantity,
    CASE WHEN coalesce(v.visibility, 0) < 20 THEN 0 ELSE CAST(coalesce(x.active, 0) AS INTEGER) END AS status,
    CASE WHEN x.weight > 0 THEN money(CAST(x.weight AS DECIMAL(18,6)) * 1000) END AS weight,  -- kg; 0 = not set
    NULL::VARCHAR AS location,
    timezone('UTC', CAST(x.release_date AS TIMESTAMP)) AS date_available,
    NULL::INTEGER AS sort,
    timezone('UTC', CAST(x.created_at AS TIMESTAMP)) AS created_at,
    timezone('UTC', CAST(x.updated_at AS TIMESTAMP)) AS updated_at,
    nullif(concat_ws('|',
        CASE WHEN x.active = 1 AND v.product_id IS NULL
             THEN 'status@PRODUCT_NOT_IN_SALES_CHANNEL: not visible in the shop''s sales channel; inactive in Mystore' END,
        CASE WHEN x.active = 1 AND v.visibility < 20
             THEN 'status@PRODUCT_HIDDEN: visible only by direct link in Shopware (not in listings, not in search); inactive in Mystore' END,
        CASE WHEN pp.n > 0 THEN 'PROPERTIES_NOT_MIGRATED: ' || pp.n || ' product propert' || CASE WHEN pp.n = 1 THEN 'y' ELSE 'ies' END
             || ' (' || pp.names || ') have no place in Mystore' END
    ), '') AS _note,
    nullif(concat_ws('|',
        CASE WHEN x.shown IS NULL THEN 'price@NO_PRICE: the price JSON has no price in the system currency; price 0' END,
        CASE WHEN e.raw IS NOT NULL AND e.ean IS NULL
             THEN 'ean@INVALID_EAN: ean ' || e.raw || ' is not a GTIN (8, 12, 13 or 14 digits); left empty' END,
        CASE WHEN x.list_shown > 0 THEN 'price@LIST_PRICE_NOT_MIGRATED: the list price ("before" price) '
             || CAST(CAST(x.list_shown AS DECIMAL(18,2)) AS VARCHAR) || ' is not migrated: Mystore shows the price without it' END,
        CASE WHEN a.n > 0 THEN 'price@ADVANCED_PRICES_NOT_MIGRATED: ' || a.n || ' advanced price' || CASE WHEN a.n = 1 THEN '' ELSE 's' END
             || ' (' || a.example || CASE WHEN a.n > 1 THEN ', ...' ELSE '' END || ') not migrated: Mystore has one price per product' END
    ), '') AS _warn
FROM x
LEFT JOIN texts t ON t.id = x.id
LEFT JOIN cats c ON c.product_id = x.id
LEFT JOIN visible v ON v.product_id = x.id
LEFT JOIN ean e ON e.id = x.id
LEFT JOIN advanced a ON a.product_id = x.id
LEFT JOIN properties pp ON pp.product_id = x.id
