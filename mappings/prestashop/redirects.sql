-- entity: redirects
-- reads: product, product_shop, product_lang, product_attribute, product_attribute_shop, category, category_lang,
--        category_shop, manufacturer, lang
-- PrestaShop's friendly URLs:
--   product       the shop's product route (param product_route: PS_ROUTE_product_rule, else the version's
--                 default, {category:/}{id}{-:id_product_attribute}-{rewrite}{-:ean13}.html since 1.7.2),
--                 filled with the default category and the EAN, and once without them
--                 (/<id_product>-<link_rewrite>.html); for every combination of the shop as well when the
--                 route names it (/men/1-1-hummingbird-printed-t-shirt.html), each to the product
--   category      /<id_category>-<link_rewrite>
--   manufacturer  /<id_manufacturer>_<name as slug>
-- With more than one active language every path starts with /<iso>/ and there is one redirect
-- per language, to the slug in that language. Without friendly URLs (PS_REWRITING_SETTINGS 0)
-- the old paths are index.php?id_<entity>=<id>&controller=<entity> instead (1.7+ products also with
-- &id_product_attribute=<combination or 0>, with and without &rewrite=, and &id_lang=<n> with several
-- languages, as Dispatcher::createUrl builds them). Custom routes other than the product's are not followed. redirect_to carries the slug as mapped (link
-- rewrite as a Mystore slug); refine may still add -1, -2 to a duplicate, so the loader
-- re-points by entity and entity_source_id.
WITH langs AS (
    SELECT id_lang, lang_key(iso_code) AS lang,
           CASE WHEN getvariable('multi_language') THEN '/' || lower(iso_code) ELSE '' END AS prefix
    FROM src.lang
    WHERE active = 1 OR id_lang = getvariable('main_language_id')
),
roots AS (SELECT id_category FROM src.category WHERE id_parent = 0),
cat_texts AS (
    SELECT cl.id_category, cl.id_lang, coalesce(slugify(cl.link_rewrite), slugify(cl.name)) AS slug, blank_null(cl.link_rewrite) AS rewrite
    FROM src.category_lang cl WHERE cl.id_shop = getvariable('shop_id')
),
product_paths AS (
    SELECT p.id_product, l.lang, l.prefix, pl.link_rewrite AS rewrite,
           coalesce(slugify(pl.link_rewrite), slugify(pl.name)) AS slug,
           ct.rewrite AS category_rewrite, pl.id_lang,
           CASE WHEN regexp_matches(trim(p.ean13), '^[0-9]{8,14}$') AND NOT regexp_matches(trim(p.ean13), '^0+$') THEN trim(p.ean13) END AS ean
    FROM src.product p
    JOIN src.product_shop ps ON ps.id_product = p.id_product AND ps.id_shop = getvariable('shop_id')
    JOIN src.product_lang pl ON pl.id_product = p.id_product AND pl.id_shop = getvariable('shop_id')
    JOIN langs l ON l.id_lang = pl.id_lang
    LEFT JOIN cat_texts ct ON ct.id_category = ps.id_category_default AND ct.id_lang = pl.id_lang
                          AND ps.id_category_default NOT IN (SELECT id_category FROM roots)
    WHERE blank_null(pl.link_rewrite) IS NOT NULL
),
combinations AS (  -- every product once without a combination (0), and once per combination of the shop
    SELECT id_product, 0 AS ipa FROM src.product_shop WHERE id_shop = getvariable('shop_id')
    UNION ALL
    SELECT pa.id_product, pa.id_product_attribute FROM src.product_attribute pa
    JOIN src.product_attribute_shop pas ON pas.id_product_attribute = pa.id_product_attribute AND pas.id_shop = getvariable('shop_id')
),
product_urls AS (
    SELECT pp.*, c.ipa FROM product_paths pp JOIN combinations c USING (id_product) WHERE pp.slug IS NOT NULL
),
paths AS (
    -- friendly URLs: the route with the default category and EAN, and without them
    SELECT DISTINCT prefix || '/' || product_path(sid(id_product), sid(ipa), rewrite, ean, category_rewrite) AS path,
           '/products/' || slug AS target, lang, 'products' AS entity, sid(id_product) AS entity_source_id
    FROM product_urls WHERE getvariable('friendly_urls')
    UNION
    SELECT prefix || '/' || product_path(sid(id_product), sid(ipa), rewrite, NULL, NULL), '/products/' || slug, lang, 'products',
           sid(id_product)
    FROM product_urls WHERE getvariable('friendly_urls')
    UNION ALL
    SELECT l.prefix || '/' || c.id_category || '-' || ct.rewrite, '/categories/' || ct.slug, l.lang, 'categories', sid(c.id_category)
    FROM src.category c
    JOIN src.category_shop cs ON cs.id_category = c.id_category AND cs.id_shop = getvariable('shop_id')
    JOIN cat_texts ct ON ct.id_category = c.id_category
    JOIN langs l ON l.id_lang = ct.id_lang
    WHERE getvariable('friendly_urls') AND c.id_parent <> 0 AND c.is_root_category = 0 AND ct.rewrite IS NOT NULL AND ct.slug IS NOT NULL
    UNION ALL
    SELECT l.prefix || '/' || m.id_manufacturer || '_' || slugify(m.name), '/manufacturers/' || slugify(m.name), 'no', 'manufacturers', sid(m.id_manufacturer)
    FROM src.manufacturer m
    CROSS JOIN (SELECT DISTINCT prefix FROM langs) l  -- one name in every language: the 'no' slug
    WHERE getvariable('friendly_urls') AND slugify(m.name) IS NOT NULL
    -- plain URLs (the main language; 1.7+ products per language and combination, as Dispatcher::createUrl writes them)
    UNION ALL
    SELECT '/index.php?id_product=' || id_product || '&controller=product', '/products/' || slug, lang, 'products', sid(id_product)
    FROM product_paths WHERE NOT getvariable('friendly_urls') AND id_lang = getvariable('main_language_id') AND slug IS NOT NULL
    UNION ALL
    SELECT DISTINCT '/index.php?id_product=' || id_product || '&id_product_attribute=' || ipa || r.part || '&controller=product'
           || CASE WHEN getvariable('multi_language') THEN '&id_lang=' || id_lang ELSE '' END,
           '/products/' || slug, lang, 'products', sid(id_product)
    FROM product_urls, (SELECT '' AS part UNION ALL SELECT NULL) r0, LATERAL (SELECT coalesce(r0.part, '&rewrite=' || rewrite) AS part) r
    WHERE NOT getvariable('friendly_urls') AND getvariable('version_parts') >= [1, 7]
      AND (getvariable('multi_language') OR id_lang = getvariable('main_language_id'))
    UNION ALL
    SELECT '/index.php?id_category=' || c.id_category || '&controller=category', '/categories/' || ct.slug, 'no', 'categories', sid(c.id_category)
    FROM src.category c
    JOIN src.category_shop cs ON cs.id_category = c.id_category AND cs.id_shop = getvariable('shop_id')
    JOIN cat_texts ct ON ct.id_category = c.id_category AND ct.id_lang = getvariable('main_language_id')
    WHERE NOT getvariable('friendly_urls') AND c.id_parent <> 0 AND c.is_root_category = 0 AND ct.slug IS NOT NULL
    UNION ALL
    SELECT '/index.php?id_manufacturer=' || id_manufacturer || '&controller=manufacturer', '/manufacturers/' || slugify(name), 'no',
           'manufacturers', sid(id_manufacturer)
    FROM src.manufacturer
    WHERE NOT getvariable('friendly_urls') AND slugify(name) IS NOT NULL
),
numbered AS (
    SELECT *, row_number() OVER (PARTITION BY path ORDER BY entity, entity_source_id, lang) AS n FROM paths
)
SELECT
    path AS source_id,
    path AS redirect_from,
    target AS redirect_to,
    301 AS code,
    lang AS language,
    entity,
    entity_source_id,
    CASE WHEN path IS NULL THEN 'ROUTE_RULE_UNUSABLE: no old path could be made (a product URL rule, PS_ROUTE_product_rule, '
                                || 'too long to be one gives none); no redirect from it'
         WHEN n > 1 THEN 'DUPLICATE_PATH: another ' || entity || ' row claims the same old path' END AS _skip
FROM numbered
