-- entity: redirects
-- reads: product, product_shop, product_lang, category, category_lang, category_shop, manufacturer, lang
-- PrestaShop's default friendly URLs, kept simple:
--   product       /<id_product>-<link_rewrite>.html, and with the default category in front
--                 (/<category link_rewrite>/<id_product>-<link_rewrite>.html, the default route
--                 {category:/}{id}-{rewrite}{-:ean13}.html; the EAN suffix when the product has one)
--   category      /<id_category>-<link_rewrite>
--   manufacturer  /<id_manufacturer>_<name as slug>
-- With more than one active language every path starts with /<iso>/ and there is one redirect
-- per language, to the slug in that language. Without friendly URLs (PS_REWRITING_SETTINGS 0)
-- the old paths are index.php?id_<entity>=<id>&controller=<entity> instead.
-- Custom routes (PS_ROUTE_*) are not followed. redirect_to carries the slug as mapped (link
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
           ct.rewrite AS category_rewrite,
           CASE WHEN regexp_matches(trim(p.ean13), '^[0-9]{8,14}$') AND NOT regexp_matches(trim(p.ean13), '^0+$') THEN '-' || trim(p.ean13) ELSE '' END AS ean
    FROM src.product p
    JOIN src.product_shop ps ON ps.id_product = p.id_product AND ps.id_shop = getvariable('shop_id')
    JOIN src.product_lang pl ON pl.id_product = p.id_product AND pl.id_shop = getvariable('shop_id')
    JOIN langs l ON l.id_lang = pl.id_lang
    LEFT JOIN cat_texts ct ON ct.id_category = ps.id_category_default AND ct.id_lang = pl.id_lang
                          AND ps.id_category_default NOT IN (SELECT id_category FROM roots)
    WHERE blank_null(pl.link_rewrite) IS NOT NULL
),
paths AS (
    -- friendly URLs
    SELECT prefix || '/' || id_product || '-' || rewrite || '.html' AS path, '/products/' || slug AS target, lang,
           'products' AS entity, sid(id_product) AS entity_source_id
    FROM product_paths WHERE getvariable('friendly_urls') AND slug IS NOT NULL
    UNION ALL
    SELECT prefix || '/' || category_rewrite || '/' || id_product || '-' || rewrite || ean || '.html', '/products/' || slug, lang,
           'products', sid(id_product)
    FROM product_paths WHERE getvariable('friendly_urls') AND slug IS NOT NULL AND category_rewrite IS NOT NULL
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
    -- plain URLs (main language only)
    UNION ALL
    SELECT '/index.php?id_product=' || id_product || '&controller=product', '/products/' || slug, lang, 'products', sid(id_product)
    FROM product_paths WHERE NOT getvariable('friendly_urls') AND lang = 'no' AND slug IS NOT NULL
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
    CASE WHEN n > 1 THEN 'DUPLICATE_PATH: another ' || entity || ' row claims the same old path' END AS _skip
FROM numbered
