-- entity: products
-- reads: product, product_shop, product_lang, lang, category, category_product, stock_available, tax_rule, tax
-- One row per product of the shop (product_shop), texts in every language (product_lang of the
-- shop). PrestaShop prices are NET (product_shop.price, tax excluded), so `price` is taken as
-- is; `price_gross` is that price with the rate of the product's tax rules group for the shop's
-- default country, rounded to cents as the shop showed it (audit only).
-- Categories come from category_product (the default category first), without PrestaShop's
-- Root and Home. Stock is stock_available for the product itself (id_product_attribute 0) of
-- the shop or of its shop group when the group shares stock; null when stock management is off.
-- Weight is PS_WEIGHT_UNIT (kg by default) converted to grams.
WITH lang_rows AS (
    SELECT pl.*, lang_key(l.iso_code) AS lang,
           count(*) OVER (PARTITION BY pl.id_product) AS langs,
           -- Mystore has one description: PrestaShop's long one, the short one as its first paragraph
           description_html(pl.description, pl.description_short) AS text
    FROM src.product_lang pl JOIN src.lang l USING (id_lang)
    WHERE pl.id_shop = getvariable('shop_id')
),
texts AS (
    -- a product in one language: its maps from its row (no aggregate: list() of long texts is slow)
    SELECT id_product,
           CASE WHEN blank_null(name) IS NOT NULL THEN MAP {lang: name} END AS name,
           CASE WHEN blank_null(link_rewrite) IS NOT NULL THEN MAP {lang: link_rewrite} END AS slug,
           CASE WHEN text IS NOT NULL THEN MAP {lang: text} END AS description,
           CASE WHEN blank_null(meta_title) IS NOT NULL THEN MAP {lang: meta_title} END AS meta_title,
           CASE WHEN blank_null(meta_description) IS NOT NULL THEN MAP {lang: meta_description} END AS meta_description,
           CASE WHEN blank_null(meta_keywords) IS NOT NULL THEN MAP {lang: meta_keywords} END AS meta_keywords
    FROM lang_rows WHERE langs = 1
    UNION ALL
    SELECT id_product,
           map_from_entries(list({'key': lang, 'value': name}) FILTER (WHERE blank_null(name) IS NOT NULL)),
           map_from_entries(list({'key': lang, 'value': link_rewrite}) FILTER (WHERE blank_null(link_rewrite) IS NOT NULL)),
           map_from_entries(list({'key': lang, 'value': text}) FILTER (WHERE text IS NOT NULL)),
           map_from_entries(list({'key': lang, 'value': meta_title}) FILTER (WHERE blank_null(meta_title) IS NOT NULL)),
           map_from_entries(list({'key': lang, 'value': meta_description}) FILTER (WHERE blank_null(meta_description) IS NOT NULL)),
           map_from_entries(list({'key': lang, 'value': meta_keywords}) FILTER (WHERE blank_null(meta_keywords) IS NOT NULL))
    FROM lang_rows WHERE langs > 1
    GROUP BY id_product
),
roots AS (SELECT id_category FROM src.category WHERE id_parent = 0 OR is_root_category = 1),
cats AS (
    SELECT cp.id_product,
           list(sid(cp.id_category) ORDER BY (cp.id_category = ps.id_category_default) DESC, cp.id_category) AS ids,
           max(cp.position) FILTER (WHERE cp.id_category = ps.id_category_default) AS position
    FROM src.category_product cp
    JOIN src.product_shop ps ON ps.id_product = cp.id_product AND ps.id_shop = getvariable('shop_id')
    WHERE cp.id_category NOT IN (SELECT id_category FROM roots)
    GROUP BY cp.id_product
),
stock AS (
    SELECT sa.id_product, sa.quantity, blank_null(sa.location) AS location,
           row_number() OVER (PARTITION BY sa.id_product ORDER BY (sa.id_shop = getvariable('shop_id')) DESC, sa.id_stock_available) AS pick
    FROM src.stock_available sa
    WHERE sa.id_product_attribute = 0
      AND (sa.id_shop = getvariable('shop_id') OR (sa.id_shop = 0 AND sa.id_shop_group = getvariable('shop_group_id')))
),
rates AS (
    SELECT r.id_tax_rules_group, t.rate,
           row_number() OVER (PARTITION BY r.id_tax_rules_group
                              ORDER BY (r.id_country = getvariable('default_country_id')) DESC,
                                       (r.id_state = 0) DESC, (t.deleted = 0) DESC, r.id_tax_rule) AS pick
    FROM src.tax_rule r JOIN src.tax t ON t.id_tax = r.id_tax
),
ean AS (  -- a GTIN is 8, 12, 13 or 14 digits; PrestaShop 1.6 writes '0' for none
    SELECT id_product, blank_null(ean13) AS raw,
           CASE WHEN regexp_matches(trim(ean13), '^([0-9]{8}|[0-9]{12,14})$') AND NOT regexp_matches(trim(ean13), '^0+$')
                THEN trim(ean13) END AS ean
    FROM src.product
),
extra AS (  -- columns of newer versions (1.7.7+: mpn), NULL where the column does not exist
    SELECT p.id_product, blank_null(p.mpn) AS mpn FROM src.product p
),
skus AS (
    SELECT p.id_product, blank_null(p.reference) AS sku,
           min(p.id_product) OVER (PARTITION BY blank_null(p.reference)) AS first_with_sku
    FROM src.product p JOIN src.product_shop ps ON ps.id_product = p.id_product AND ps.id_shop = getvariable('shop_id')
)
SELECT
    sid(p.id_product) AS source_id,
    CASE WHEN k.first_with_sku = p.id_product THEN k.sku END AS sku,
    e.ean,
    x.mpn AS manufacturer_sku,
    t.name,  -- without Norwegian text the main language's is copied to 'no' after the mappings (map/languages.py)
    t.slug,
    t.description, t.meta_title, t.meta_description, t.meta_keywords,
    money(ps.price) AS price,
    gross(ps.price, r.rate) AS price_gross,
    -- a wholesale price of 0 is PrestaShop's "not set"
    CASE WHEN ps.wholesale_price > 0 THEN money(ps.wholesale_price) END AS cost,
    sid(ps.id_tax_rules_group) AS tax_class_source_id,
    CASE WHEN p.id_manufacturer > 0 THEN sid(p.id_manufacturer) END AS manufacturer_source_id,
    c.ids AS category_source_ids,
    CASE WHEN getvariable('stock_managed') THEN CAST(s.quantity AS INTEGER) END AS quantity,
    -- hidden in the shop (visibility 'none': neither in the catalogue nor in search) is inactive in Mystore
    CASE WHEN ps.visibility = 'none' THEN 0 ELSE CAST(ps.active AS INTEGER) END AS status,
    CASE WHEN p.weight > 0 THEN money(CAST(p.weight AS DECIMAL(38,10)) * getvariable('weight_grams')) END AS weight,  -- 0 = not set
    coalesce(s.location, blank_null(p.location)) AS location,
    utc(ps.available_date) AS date_available,
    CAST(c.position AS INTEGER) AS sort,
    utc(p.date_add) AS created_at,
    utc(coalesce(ps.date_upd, p.date_upd)) AS updated_at,
    CASE WHEN ps.id_product IS NULL THEN 'OTHER_SHOP: product is not in the migrated shop (product_shop)' END AS _skip,
    CASE WHEN ps.visibility = 'none' AND ps.active = 1
         THEN 'status@PRODUCT_HIDDEN: hidden in PrestaShop (visibility "nowhere": not in the catalogue, not in search); inactive in Mystore' END AS _note,
    nullif(concat_ws('|',
        CASE WHEN k.sku IS NOT NULL AND k.first_with_sku <> p.id_product
             THEN 'sku@DUPLICATE_SKU: reference ' || k.sku || ' is also product ' || k.first_with_sku || '''s; left empty here' END,
        CASE WHEN e.raw IS NOT NULL AND e.ean IS NULL AND NOT regexp_full_match(e.raw, '0+')  -- 0 = none
             THEN 'ean@INVALID_EAN: ean13 ' || e.raw || ' is not a GTIN (8, 12, 13 or 14 digits); left empty' END,
        CASE WHEN p.cache_is_pack = 1 THEN 'PACK_PRODUCT: pack contents are not migrated; the pack is loaded as a plain product' END,
        CASE WHEN p.customizable > 0 THEN 'CUSTOMIZATION_DROPPED: customization fields (text or file the customer enters) are not migrated' END,
        CASE WHEN p.is_virtual = 1 THEN 'VIRTUAL_PRODUCT: virtual product; a download file attached to it is not migrated' END
    ), '') AS _warn
FROM src.product p
LEFT JOIN src.product_shop ps ON ps.id_product = p.id_product AND ps.id_shop = getvariable('shop_id')
LEFT JOIN texts t ON t.id_product = p.id_product
LEFT JOIN cats c ON c.id_product = p.id_product
LEFT JOIN stock s ON s.id_product = p.id_product AND s.pick = 1
LEFT JOIN rates r ON r.id_tax_rules_group = ps.id_tax_rules_group AND r.pick = 1
LEFT JOIN ean e ON e.id_product = p.id_product
LEFT JOIN extra x ON x.id_product = p.id_product
LEFT JOIN skus k ON k.id_product = p.id_product
