-- entity: redirects
-- reads: seo_url, sales_channel_domain, product, product_translation, category, category_translation, sales_channel,
--        language, locale
-- Shopware's storefront URLs are its SEO URLs (seo_url): for each sales channel and language the
-- path (seo_path_info, "Clothing/Men/" for a category, "Main-product/SWDEMO10001" for a product and
-- one per variant) under the path of that channel's domain for the language ("https://shop.no/en"
-- gives "/en/"), canonical or old (an old URL Shopware already redirects), deleted ones left out;
-- and the technical paths every storefront answers to as well (/detail/<id>, /navigation/<id>).
-- Headless channels have no storefront domain (no http URL) and no redirects. A variant's URLs lead to
-- its product; a root, menu or link category has none (categories.sql leaves them out). The target
-- is the slug of the redirect's language (refine re-points it to the final slug).
WITH langs AS (
    SELECT la.id, lang_key(coalesce(tc.code, lo.code)) AS key
    FROM src.language la LEFT JOIN src.locale tc ON tc.id = la.translation_code_id LEFT JOIN src.locale lo ON lo.id = la.locale_id
),
domains AS (  -- the path part of each storefront domain, without its trailing slash
    SELECT DISTINCT sales_channel_id, language_id,
           rtrim(coalesce(regexp_extract(url, '^https?://[^/]+(/.*)?$', 1), ''), '/') AS prefix
    FROM src.sales_channel_domain
    WHERE regexp_matches(url, '^https?://')
),
products AS (
    SELECT p.id, coalesce(p.parent_id, p.id) AS product_id FROM src.product p
    LEFT JOIN src.product parent ON parent.id = p.parent_id AND parent.version_id = p.version_id
    WHERE p.version_id = getvariable('live_version') AND (p.parent_id IS NULL OR parent.id IS NOT NULL)
),
menus AS (  -- the trees of footer and service menus (categories.sql)
    SELECT footer_category_id AS id FROM src.sales_channel WHERE footer_category_id IS NOT NULL
    UNION SELECT service_category_id FROM src.sales_channel WHERE service_category_id IS NOT NULL
    EXCEPT SELECT navigation_category_id FROM src.sales_channel WHERE navigation_category_id IS NOT NULL
),
categories AS (
    SELECT c.id FROM src.category c
    WHERE c.version_id = getvariable('live_version') AND c.parent_id IS NOT NULL AND coalesce(c.type, 'page') <> 'link'
      AND c.id NOT IN (SELECT id FROM menus)
      AND NOT list_has_any(string_split(trim(coalesce(c.path, ''), '|'), '|'), (SELECT coalesce(list(lower(hex(id))), []) FROM menus))
),
names AS (  -- the name a target gets its slug from: the language's, else the system language's (a variant: its parent's)
    SELECT 'products' AS entity, p.id, l.id AS language_id,
           coalesce(blank_null(t.name), blank_null(ts.name)) AS name
    FROM (SELECT DISTINCT product_id AS id FROM products) p CROSS JOIN src.language l
    LEFT JOIN src.product_translation t ON t.product_id = p.id AND t.language_id = l.id AND t.product_version_id = getvariable('live_version')
    LEFT JOIN src.product_translation ts ON ts.product_id = p.id AND ts.language_id = getvariable('system_language')
         AND ts.product_version_id = getvariable('live_version')
    UNION ALL
    SELECT 'categories', c.id, l.id, coalesce(blank_null(t.name), blank_null(ts.name))
    FROM categories c CROSS JOIN src.language l
    LEFT JOIN src.category_translation t ON t.category_id = c.id AND t.language_id = l.id AND t.category_version_id = getvariable('live_version')
    LEFT JOIN src.category_translation ts ON ts.category_id = c.id AND ts.language_id = getvariable('system_language')
         AND ts.category_version_id = getvariable('live_version')
),
urls AS (
    SELECT u.language_id, u.sales_channel_id, u.path_info, u.seo_path_info,
           CASE u.route_name WHEN 'frontend.detail.page' THEN 'products' ELSE 'categories' END AS entity,
           CASE u.route_name WHEN 'frontend.detail.page' THEN p.product_id ELSE c.id END AS entity_id
    FROM src.seo_url u
    LEFT JOIN products p ON u.route_name = 'frontend.detail.page' AND p.id = u.foreign_key
    LEFT JOIN categories c ON u.route_name = 'frontend.navigation.page' AND c.id = u.foreign_key
    WHERE coalesce(u.is_deleted, 0) = 0 AND (p.id IS NOT NULL OR c.id IS NOT NULL)
),
paths AS (
    SELECT d.prefix || '/' || ltrim(u.seo_path_info, '/') AS path, u.entity, u.entity_id, u.language_id
    FROM urls u JOIN domains d ON d.sales_channel_id = u.sales_channel_id AND d.language_id = u.language_id
    WHERE blank_null(u.seo_path_info) IS NOT NULL
    UNION
    SELECT d.prefix || '/' || ltrim(u.path_info, '/'), u.entity, u.entity_id, u.language_id
    FROM urls u JOIN domains d ON d.sales_channel_id = u.sales_channel_id AND d.language_id = u.language_id
    WHERE blank_null(u.path_info) IS NOT NULL
),
numbered AS (
    SELECT p.*, row_number() OVER (PARTITION BY p.path ORDER BY p.entity, p.entity_id, p.language_id) AS n FROM paths p
)
SELECT
    n.path AS source_id,
    n.path AS redirect_from,
    '/' || n.entity || '/' || coalesce(slugify(nm.name), lower(hex(n.entity_id))) AS redirect_to,
    301 AS code,
    coalesce(l.key, 'no') AS language,
    n.entity,
    lower(hex(n.entity_id)) AS entity_source_id,
    CASE WHEN n.n > 1 THEN 'DUPLICATE_PATH: another ' || n.entity || ' row claims the same old path' END AS _skip
FROM numbered n
LEFT JOIN langs l ON l.id = n.language_id
LEFT JOIN names nm ON nm.entity = n.entity AND nm.id = n.entity_id AND nm.language_id = n.language_id
