-- entity: redirects
-- reads: seo_url / url_alias, product, product_description, product_to_category, category, category_description,
--        manufacturer, language
-- Old storefront paths in the shop's main language, store 0:
--   plain URLs, always (they work with SEO URLs on or off): '/index.php?route=product/product&product_id=N'
--           (4.0 adds &language=), '/index.php?route=product/category&path=<ids>', the manufacturer's info page
--   1.5-3.x SEO URLs, where keywords exist: product '/<keyword>', manufacturer '/<keyword>', category
--           '/<parent keyword>/.../<keyword>' (OpenCart writes a category path only when every category on it
--           has a keyword)
--   1.5-3.x a product as a category's listing links it: '/index.php?route=product/product&path=<ids>&product_id=N'
--           and, with keywords, '/<category keyword path>/<product keyword>', for each category of the product
--   4.0 SEO URLs: '/<language keyword>/<route keyword>/<keyword>' from seo_url rows sorted as OpenCart
--           does (language -2, route -1, the item); a category's keyword already holds its path
-- redirect_to uses the slug the products/categories/manufacturers mappings give the main language
-- (same expressions); refine.unique_slugs may still add -1, -2: the loader re-points from `entity`
-- and `entity_source_id`. OpenCart 4 variant products redirect to their master.
WITH RECURSIVE seo AS (
    SELECT CAST(language_id AS BIGINT) AS language_id,
           coalesce("key", split_part(query, '=', 1)) AS k,
           coalesce(value, substr(query, length(split_part(query, '=', 1)) + 2)) AS v,
           blank_null(keyword) AS keyword
    FROM (SELECT NULL::BIGINT AS store_id, NULL::BIGINT AS language_id, NULL::VARCHAR AS query, NULL::VARCHAR AS "key",
                 NULL::VARCHAR AS value, NULL::VARCHAR AS keyword WHERE false
          UNION ALL BY NAME SELECT * FROM src.seo_url)
    WHERE coalesce(CAST(store_id AS BIGINT), 0) = 0
    UNION ALL
    SELECT getvariable('main_language_id'), split_part(query, '=', 1), substr(query, length(split_part(query, '=', 1)) + 2), blank_null(keyword)
    FROM src.url_alias
),
kw AS (
    -- the main language's keyword per (key, value)
    SELECT k, v, min(keyword) AS keyword FROM seo
    WHERE language_id = getvariable('main_language_id') AND keyword IS NOT NULL GROUP BY k, v
),
lang_kw AS (SELECT keyword FROM kw WHERE k = 'language' AND v = getvariable('main_language')),
oc4 AS (SELECT getvariable('is_oc4') AS yes, '&language=' || getvariable('main_language') AS lang_param),
p AS (
    SELECT * FROM (SELECT NULL::BIGINT AS master_id WHERE false) UNION ALL BY NAME SELECT * FROM src.product
),
product_names AS (
    SELECT product_id,
           first(blank_null(html_decode(name)) ORDER BY (language_id = getvariable('main_language_id')) DESC, language_id)
             FILTER (WHERE blank_null(name) IS NOT NULL) AS any_name,
           first(blank_null(html_decode(name))) FILTER (WHERE language_id = getvariable('main_language_id') AND blank_null(name) IS NOT NULL) AS main_name
    FROM src.product_description GROUP BY product_id
),
product_slug AS (
    SELECT p.product_id,
           coalesce(slugify(html_decode(k.keyword)), slugify(n.main_name), slugify(n.any_name), 'product-' || p.product_id) AS slug
    FROM p LEFT JOIN kw k ON k.k = 'product_id' AND k.v = sid(p.product_id)
    LEFT JOIN product_names n ON n.product_id = p.product_id
),
product_forms AS (
    SELECT p.product_id,
           CASE WHEN coalesce(p.master_id, 0) > 0 AND p.master_id IN (SELECT product_id FROM src.product) THEN p.master_id ELSE p.product_id END AS target_id,
           '/index.php?route=product/product' || CASE WHEN (SELECT yes FROM oc4) THEN (SELECT lang_param FROM oc4) ELSE '' END
               || '&product_id=' || p.product_id AS plain,
           CASE WHEN k.keyword IS NULL THEN NULL
                WHEN (SELECT yes FROM oc4)
                THEN '/' || concat_ws('/', (SELECT keyword FROM lang_kw),
                                      (SELECT keyword FROM kw WHERE k = 'route' AND v = 'product/product'), k.keyword)
                ELSE '/' || k.keyword END AS seo, k.keyword
    FROM p LEFT JOIN kw k ON k.k = 'product_id' AND k.v = sid(p.product_id)
),
products AS (
    SELECT product_id, target_id, plain AS path FROM product_forms
    UNION ALL
    SELECT product_id, target_id, seo FROM product_forms WHERE seo IS NOT NULL
),
category_names AS (
    SELECT category_id,
           first(blank_null(html_decode(name)) ORDER BY (language_id = getvariable('main_language_id')) DESC, language_id)
             FILTER (WHERE blank_null(name) IS NOT NULL) AS any_name,
           first(blank_null(html_decode(name))) FILTER (WHERE language_id = getvariable('main_language_id') AND blank_null(name) IS NOT NULL) AS main_name
    FROM src.category_description GROUP BY category_id
),
category_kw AS (
    -- this category's own keyword: 'category_id=N' (1.5-3.x), or the last part of a 'path' keyword
    -- (4.0; a moved category may keep a stale path row: the one that fits the tree wins, as in categories.sql)
    SELECT category_id, own, full_path FROM (
        SELECT c.category_id,
               coalesce(k1.keyword, regexp_extract(k4.keyword, '([^/]+)/*$', 1)) AS own,
               k4.keyword AS full_path,
               row_number() OVER (PARTITION BY c.category_id
                                  ORDER BY (k4.v IS NULL OR CASE WHEN coalesce(c.parent_id, 0) = 0 THEN k4.v = sid(c.category_id)
                                                                 ELSE regexp_extract(k4.v, '(\d+)_\d+$', 1) = sid(c.parent_id) END) DESC,
                                           regexp_extract(k4.keyword, '([^/]+)/*$', 1)) AS rn
        FROM src.category c
        LEFT JOIN kw k1 ON k1.k = 'category_id' AND k1.v = sid(c.category_id)
        LEFT JOIN (SELECT * FROM kw WHERE k = 'path') k4 ON regexp_extract(k4.v, '(\d+)$', 1) = sid(c.category_id))
    WHERE rn = 1
),
category_paths AS (
    -- OpenCart 4: every 'path' keyword of a category is an old address of it
    SELECT CAST(regexp_extract(v, '(\d+)$', 1) AS BIGINT) AS category_id, keyword AS full_path
    FROM kw WHERE k = 'path'
),
chain(category_id, ancestor_id, depth) AS (
    -- every category with its ancestors (depth 0 = itself); a cycle stops at depth 50
    SELECT category_id, category_id, 0 FROM src.category
    UNION ALL
    SELECT ch.category_id, c.parent_id, ch.depth + 1
    FROM chain ch JOIN src.category c ON c.category_id = ch.ancestor_id
    WHERE coalesce(c.parent_id, 0) <> 0 AND ch.depth < 50
),
category_chain AS (
    SELECT ch.category_id,
           string_agg(sid(ch.ancestor_id), '_' ORDER BY ch.depth DESC) AS id_path,
           string_agg(k.own, '/' ORDER BY ch.depth DESC) AS kw_path,
           count(*) = count(k.own) AS complete
    FROM chain ch LEFT JOIN category_kw k ON k.category_id = ch.ancestor_id
    GROUP BY ch.category_id
),
category_forms AS (
    SELECT c.category_id,
           coalesce(slugify(html_decode(k.own)), slugify(n.main_name), slugify(n.any_name), 'category-' || c.category_id) AS slug,
           CASE WHEN (SELECT yes FROM oc4) AND cp.full_path IS NOT NULL
                THEN '/' || concat_ws('/', (SELECT keyword FROM lang_kw),
                                      (SELECT keyword FROM kw WHERE k = 'route' AND v = 'product/category'), cp.full_path)
                WHEN NOT (SELECT yes FROM oc4) AND ch.complete AND ch.kw_path IS NOT NULL THEN '/' || ch.kw_path END AS seo,
           '/index.php?route=product/category' || CASE WHEN (SELECT yes FROM oc4) THEN (SELECT lang_param FROM oc4) ELSE '' END
               || '&path=' || ch.id_path AS plain,
           ch.id_path, CASE WHEN ch.complete THEN ch.kw_path END AS kw_path
    FROM src.category c
    LEFT JOIN category_kw k ON k.category_id = c.category_id
    LEFT JOIN category_paths cp ON cp.category_id = c.category_id
    LEFT JOIN category_chain ch ON ch.category_id = c.category_id
    LEFT JOIN category_names n ON n.category_id = c.category_id
),
categories AS (
    SELECT DISTINCT category_id, slug, plain AS path FROM category_forms
    UNION
    SELECT category_id, slug, seo FROM category_forms WHERE seo IS NOT NULL
),
-- 1.5-3.x: a product as a category's listing links it, with the category's path of ids (and keywords)
products_in_categories AS (
    SELECT pf.product_id, pf.target_id, '/index.php?route=product/product&path=' || cf.id_path || '&product_id=' || pf.product_id AS path
    FROM product_forms pf JOIN src.product_to_category pc ON pc.product_id = pf.product_id
    JOIN category_forms cf ON cf.category_id = pc.category_id
    WHERE NOT (SELECT yes FROM oc4) AND cf.id_path IS NOT NULL
    UNION
    SELECT pf.product_id, pf.target_id, '/' || cf.kw_path || '/' || pf.keyword
    FROM product_forms pf JOIN src.product_to_category pc ON pc.product_id = pf.product_id
    JOIN category_forms cf ON cf.category_id = pc.category_id
    WHERE NOT (SELECT yes FROM oc4) AND cf.kw_path IS NOT NULL AND pf.keyword IS NOT NULL
),
manufacturer_forms AS (
    SELECT m.manufacturer_id,
           coalesce(slugify(html_decode(m.name)), 'manufacturer-' || m.manufacturer_id) AS name_slug,
           slugify(html_decode(k.keyword)) AS kw_slug,
           CASE WHEN (SELECT yes FROM oc4)
                THEN '/index.php?route=product/manufacturer.info' || (SELECT lang_param FROM oc4)
                ELSE '/index.php?route=product/manufacturer/info' END || '&manufacturer_id=' || m.manufacturer_id AS plain,
           CASE WHEN k.keyword IS NULL THEN NULL
                WHEN (SELECT yes FROM oc4)
                THEN '/' || concat_ws('/', (SELECT keyword FROM lang_kw),
                                      (SELECT keyword FROM kw WHERE k = 'route' AND v = 'product/manufacturer.info'), k.keyword)
                     || CASE WHEN EXISTS (SELECT 1 FROM kw WHERE k = 'route' AND v = 'product/manufacturer.info') THEN ''
                             ELSE '?route=product/manufacturer.info' END
                ELSE '/' || k.keyword END AS seo
    FROM src.manufacturer m
    LEFT JOIN kw k ON k.k = 'manufacturer_id' AND k.v = sid(m.manufacturer_id)
),
manufacturers AS (
    SELECT manufacturer_id, name_slug, kw_slug, plain AS path FROM manufacturer_forms
    UNION ALL
    SELECT manufacturer_id, name_slug, kw_slug, seo FROM manufacturer_forms WHERE seo IS NOT NULL
),
all_redirects AS (
    SELECT pr.path, '/products/' || ps.slug AS target, 'products' AS entity, sid(pr.target_id) AS entity_id, 1 AS kind, pr.product_id AS id
    FROM products pr JOIN product_slug ps ON ps.product_id = pr.target_id
    UNION ALL
    SELECT pr.path, '/products/' || ps.slug, 'products', sid(pr.target_id), 4, pr.product_id
    FROM products_in_categories pr JOIN product_slug ps ON ps.product_id = pr.target_id
    UNION ALL
    SELECT path, '/categories/' || slug, 'categories', sid(category_id), 2, category_id FROM categories
    UNION ALL
    SELECT path, '/manufacturers/' || coalesce(kw_slug, name_slug), 'manufacturers', sid(manufacturer_id), 3, manufacturer_id FROM manufacturers
)
SELECT
    path AS source_id,
    path AS redirect_from,
    target AS redirect_to,
    301 AS code,
    'no' AS language,
    entity,
    entity_id AS entity_source_id,
    CASE WHEN row_number() OVER (PARTITION BY path ORDER BY kind, id) > 1
         THEN 'DUPLICATE_PATH: ' || path || ' is already the old address of another ' || entity || ' item' END AS _skip
FROM all_redirects
