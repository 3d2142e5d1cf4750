-- entity: products
-- reads: posts, postmeta, term_relationships, term_taxonomy, terms; pkg.tax_classes
-- A product is a post of type 'product'; its type is a product_type term (simple, variable, grouped,
-- external). All data are string postmeta. Price = the regular price (_regular_price; the sale price
-- goes to product_specials); a variable product has none of its own, so it gets the lowest regular
-- price of its variations and each variant the difference. Prices are gross when the shop enters them
-- with VAT (option woocommerce_prices_include_tax = 'yes') and are converted with the rate of the
-- product's tax class (_tax_class '' = standard, the class named by a slug otherwise).
-- A product with _tax_status 'none' is not taxed: it gets a 0 % class when the shop has one.
-- status: publish -> 1; private, draft, pending, future -> 0; trash and auto-draft are left out.
-- Grouped products are only a list of other products (no price, not buyable): left out, their
-- children are products of their own.
WITH p AS (
    SELECT * FROM src.posts WHERE post_type = 'product'
),
meta AS (
    SELECT m.post_id,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_sku') AS sku,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_global_unique_id') AS gtin,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_regular_price') AS regular_price,
        min(TRY_CAST(m.meta_value AS DECIMAL(18,6))) FILTER (WHERE m.meta_key = '_price') AS active_price,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_tax_class') AS tax_class,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_tax_status') AS tax_status,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_manage_stock') AS manage_stock,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_stock') AS stock,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_weight') AS weight,
        -- SEO texts of Yoast / Rank Math; templates with %%placeholders%% are not a product's own text
        max(m.meta_value) FILTER (WHERE m.meta_key IN ('_yoast_wpseo_title', 'rank_math_title')
                                    AND m.meta_value NOT LIKE '%\%\%%' ESCAPE '\') AS meta_title,
        max(m.meta_value) FILTER (WHERE m.meta_key IN ('_yoast_wpseo_metadesc', 'rank_math_description')
                                    AND m.meta_value NOT LIKE '%\%\%%' ESCAPE '\') AS meta_description
    FROM src.postmeta m WHERE m.post_id IN (SELECT ID FROM p)
    GROUP BY m.post_id
),
terms AS (
    SELECT tr.object_id, tt.taxonomy, t.term_id, t.slug, tr.term_order
    FROM src.term_relationships tr
    JOIN src.term_taxonomy tt ON tt.term_taxonomy_id = tr.term_taxonomy_id
    JOIN src.terms t ON t.term_id = tt.term_id
    WHERE tt.taxonomy IN ('product_type', 'product_cat', 'product_brand', 'pwb-brand', 'yith_product_brand', 'product_visibility')
      AND tr.object_id IN (SELECT ID FROM p)
),
kind AS (
    SELECT object_id, min(slug) AS product_type FROM terms WHERE taxonomy = 'product_type' GROUP BY object_id
),
cats AS (
    SELECT object_id, list(sid(term_id) ORDER BY term_order, term_id) AS ids FROM terms WHERE taxonomy = 'product_cat' GROUP BY object_id
),
-- catalog visibility "Hidden" is both exclude-from-catalog and exclude-from-search
hidden AS (
    SELECT object_id FROM terms WHERE taxonomy = 'product_visibility' AND slug IN ('exclude-from-catalog', 'exclude-from-search')
    GROUP BY object_id HAVING count(DISTINCT slug) = 2
),
buy_link AS (
    SELECT post_id, max(meta_value) FILTER (WHERE meta_key = '_product_url') AS url,
           max(meta_value) FILTER (WHERE meta_key = '_button_text') AS button
    FROM src.postmeta WHERE meta_key IN ('_product_url', '_button_text') AND post_id IN (SELECT ID FROM p) GROUP BY post_id
),
brand AS (
    SELECT object_id, min(term_id) AS term_id, count(*) AS n FROM terms
    WHERE taxonomy IN ('product_brand', 'pwb-brand', 'yith_product_brand') GROUP BY object_id
),
-- variable products: the lowest regular price of their variations that are for sale
variation_price AS (
    SELECT v.post_parent AS product_id,
           min(coalesce(TRY_CAST(blank_null(rp.meta_value) AS DECIMAL(18,6)), TRY_CAST(blank_null(ap.meta_value) AS DECIMAL(18,6)))) AS price
    FROM src.posts v
    LEFT JOIN src.postmeta rp ON rp.post_id = v.ID AND rp.meta_key = '_regular_price'
    LEFT JOIN src.postmeta ap ON ap.post_id = v.ID AND ap.meta_key = '_price'
    WHERE v.post_type = 'product_variation' AND v.post_status = 'publish'
    GROUP BY v.post_parent
),
taxed AS (
    SELECT p.ID,
           coalesce(k.product_type, 'simple') AS product_type,
           CASE WHEN coalesce(blank_null(m.tax_class), 'standard') IN (SELECT source_id FROM pkg.tax_classes)
                THEN coalesce(blank_null(m.tax_class), 'standard') ELSE 'standard' END AS own_class,
           m.tax_status = 'none' AS untaxed,
           (SELECT source_id FROM pkg.tax_classes WHERE tax_rate = 0 ORDER BY source_id <> 'zero-rate', source_id LIMIT 1) AS zero_class
    FROM p LEFT JOIN meta m ON m.post_id = p.ID LEFT JOIN kind k ON k.object_id = p.ID
),
priced AS (
    SELECT x.*, tc.tax_rate,
           CASE WHEN x.product_type = 'variable' THEN vp.price
                ELSE coalesce(TRY_CAST(blank_null(m.regular_price) AS DECIMAL(18,6)), m.active_price) END AS source_price
    FROM (SELECT t.*, CASE WHEN t.untaxed AND t.zero_class IS NOT NULL THEN t.zero_class ELSE t.own_class END AS tax_class_source_id
          FROM taxed t) x
    LEFT JOIN meta m ON m.post_id = x.ID
    LEFT JOIN variation_price vp ON vp.product_id = x.ID
    LEFT JOIN pkg.tax_classes tc ON tc.source_id = x.tax_class_source_id
)
SELECT
    sid(p.ID) AS source_id,
    blank_null(m.sku) AS sku,
    CASE WHEN regexp_matches(trim(m.gtin), '^(\d{8}|\d{12,14})$') AND NOT regexp_matches(trim(m.gtin), '^0+$') THEN trim(m.gtin) END AS ean,
    MAP {'no': coalesce(blank_null(html_decode(p.post_title)), blank_null(url_decode(p.post_name)), 'N/A')} AS name,
    MAP {'no': coalesce(slugify(url_decode(p.post_name)), slugify(html_decode(p.post_title)), 'product-' || p.ID)} AS slug,
    -- the long description as WordPress shows it, the short description (excerpt) as its first paragraph
    CASE WHEN coalesce(blank_null(p.post_content), blank_null(p.post_excerpt)) IS NOT NULL THEN MAP {'no':
        description_html(autop(p.post_content), autop(p.post_excerpt))} END AS description,
    CASE WHEN blank_null(m.meta_title) IS NOT NULL THEN MAP {'no': m.meta_title} END AS meta_title,
    CASE WHEN blank_null(m.meta_description) IS NOT NULL THEN MAP {'no': m.meta_description} END AS meta_description,
    coalesce(net_price(x.source_price, x.tax_rate, getvariable('prices_include_tax')), 0) AS price,
    CASE WHEN getvariable('prices_include_tax') THEN money(x.source_price) END AS price_gross,
    x.tax_class_source_id,
    CASE WHEN b.term_id IS NOT NULL THEN sid(b.term_id) END AS manufacturer_source_id,
    coalesce(c.ids, []) AS category_source_ids,
    CASE WHEN m.manage_stock = 'yes' THEN CAST(floor(coalesce(TRY_CAST(m.stock AS DECIMAL(18,4)), 0)) AS INTEGER) END AS quantity,
    -- published, and neither hidden from the shop nor sold elsewhere (external/affiliate: the buy button leaves the shop)
    CASE WHEN p.post_status = 'publish' AND h.object_id IS NULL AND x.product_type <> 'external' THEN 1 ELSE 0 END AS status,
    -- an empty or 0 weight is "not set"
    CASE WHEN TRY_CAST(blank_null(m.weight) AS DECIMAL(18,6)) > 0
         THEN money(CAST(TRY_CAST(blank_null(m.weight) AS DECIMAL(18,6)) AS DECIMAL(28,6)) * getvariable('weight_to_grams')) END AS weight,
    CAST(p.menu_order AS INTEGER) AS sort,
    coalesce(timezone('UTC', p.post_date_gmt), utc(p.post_date)) AS created_at,
    coalesce(timezone('UTC', p.post_modified_gmt), utc(p.post_modified)) AS updated_at,
    CASE WHEN p.post_status = 'trash' THEN 'DELETED_IN_SOURCE: product is in the WordPress trash'
         WHEN p.post_status = 'auto-draft' THEN 'AUTO_DRAFT: an unsaved product WordPress created when "Add new" was opened'
         WHEN x.product_type = 'grouped' THEN 'GROUPED_PRODUCT: a grouped product only lists other products (no price, not buyable); its products are migrated on their own'
    END AS _skip,
    CASE WHEN h.object_id IS NOT NULL AND p.post_status = 'publish' AND x.product_type <> 'external'
         THEN 'status@PRODUCT_HIDDEN: catalog visibility "Hidden" in WooCommerce (not in the shop, not in search); inactive in Mystore' END AS _note,
    nullif(concat_ws('|',
        CASE WHEN x.source_price IS NULL THEN 'price@NO_PRICE: product has no price in WooCommerce; price 0' END,
        CASE WHEN x.product_type = 'external' THEN 'status@EXTERNAL_PRODUCT: external/affiliate product, sold elsewhere: its buy button ('
             || coalesce('"' || blank_null(bl.button) || '" ', '') || 'links to ' || coalesce(blank_null(bl.url), '(no link)')
             || '); inactive in Mystore, which sells only its own products' END,
        CASE WHEN x.untaxed AND x.zero_class IS NOT NULL THEN 'tax_class_source_id@NOT_TAXABLE: product has tax status none; given the 0 % class ' || x.zero_class END,
        CASE WHEN x.untaxed AND x.zero_class IS NULL THEN 'tax_class_source_id@NOT_TAXABLE: product has tax status none but the shop has no 0 % class; Mystore will charge the class rate' END,
        CASE WHEN coalesce(blank_null(m.tax_class), 'standard') <> x.own_class THEN 'tax_class_source_id@TAX_CLASS_UNKNOWN: tax class ''' || m.tax_class || ''' does not exist; standard class used' END,
        CASE WHEN blank_null(m.gtin) IS NOT NULL AND NOT regexp_matches(trim(m.gtin), '^(\d{8}|\d{12,14}|0+)$') THEN 'ean@INVALID_GTIN: ''' || m.gtin || ''' is not a GTIN-8/12/13/14; left out' END,
        CASE WHEN b.n > 1 THEN 'manufacturer_source_id@SEVERAL_BRANDS: product has ' || b.n || ' brands; Mystore keeps one' END
    ), '') AS _warn
FROM p
JOIN priced x ON x.ID = p.ID
LEFT JOIN meta m ON m.post_id = p.ID
LEFT JOIN cats c ON c.object_id = p.ID
LEFT JOIN brand b ON b.object_id = p.ID
LEFT JOIN hidden h ON h.object_id = p.ID
LEFT JOIN buy_link bl ON bl.post_id = p.ID
