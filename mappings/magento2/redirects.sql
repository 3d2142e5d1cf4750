-- entity: redirects
-- reads: url_rewrite, store, catalog_product_entity_varchar / catalog_category_entity_varchar (url_key, url_path:
--        shop.texts); pkg.products, pkg.categories
-- Magento's storefront URLs are the rows of url_rewrite: for every store view the product's
-- (iris-workout-top.html, and with its categories women/tops-women/tees-women/iris-workout-top.html) and the
-- category's (women/tops-women/tees-women.html) current paths, and the old ones it keeps as 301s after a URL
-- key changed. Each becomes a redirect to the product or category in the store view's language; with
-- "Add Store Code to Urls" on, the path starts with /<store code>/. A product or category a store view has no
-- rewrite for (a partial url_rewrite table) gets the path Magento builds: its URL key (a category's URL path)
-- and the URL suffix. Magento also answers catalog/product/view/id/<id> and catalog/category/view/id/<id>:
-- one redirect each. A path of something that is not in the package (a bundle, a product sold only as a
-- variant) is left out with its reason; a path two rows claim, the second time.
WITH views AS (
    SELECT store_id, lang, is_default,
           CASE WHEN getvariable('store_code_in_urls') THEN '/' || code ELSE '' END AS prefix
    FROM shop.stores
),
rewrites AS (
    SELECT v.prefix || '/' || ltrim(u.request_path, '/') AS path, u.entity_type AS kind, u.entity_id, v.lang, v.is_default, u.store_id
    FROM src.url_rewrite u JOIN views v ON v.store_id = u.store_id
    WHERE u.entity_type IN ('product', 'category') AND blank_null(u.request_path) IS NOT NULL
),
built AS (  -- the URL Magento gives what has no rewrite row in a store view
    SELECT v.prefix || '/' || t.url_key || getvariable('product_url_suffix') AS path, 'product' AS kind, t.entity_id,
           v.lang, v.is_default, v.store_id
    FROM shop.texts t JOIN views v ON v.lang = t.lang AND t.kind = 'product'
    JOIN shop.products p ON p.entity_id = t.entity_id AND coalesce(p.visibility, 4) <> 1
    WHERE t.url_key IS NOT NULL AND sid(t.entity_id) IN (SELECT source_id FROM pkg.products)
      AND NOT EXISTS (SELECT 1 FROM rewrites r WHERE r.kind = 'product' AND r.entity_id = t.entity_id AND r.store_id = v.store_id)
    UNION ALL
    SELECT v.prefix || '/' || coalesce(t.url_path, t.url_key) || getvariable('category_url_suffix'), 'category', t.entity_id,
           v.lang, v.is_default, v.store_id
    FROM shop.texts t JOIN views v ON v.lang = t.lang AND t.kind = 'category'
    WHERE coalesce(t.url_path, t.url_key) IS NOT NULL AND sid(t.entity_id) IN (SELECT source_id FROM pkg.categories)
      AND NOT EXISTS (SELECT 1 FROM rewrites r WHERE r.kind = 'category' AND r.entity_id = t.entity_id AND r.store_id = v.store_id)
),
internal AS (  -- Magento's own route, in the default store view
    SELECT v.prefix || '/catalog/product/view/id/' || p.entity_id AS path, 'product' AS kind, p.entity_id, v.lang, true, v.store_id
    FROM shop.products p JOIN views v ON v.is_default
    WHERE coalesce(p.visibility, 4) <> 1 AND sid(p.entity_id) IN (SELECT source_id FROM pkg.products)
    UNION ALL
    SELECT v.prefix || '/catalog/category/view/id/' || c.entity_id, 'category', c.entity_id, v.lang, true, v.store_id
    FROM shop.category_rows c JOIN views v ON v.is_default
    WHERE sid(c.entity_id) IN (SELECT source_id FROM pkg.categories)
),
paths AS (
    SELECT * FROM rewrites UNION ALL SELECT * FROM built UNION ALL SELECT * FROM internal
),
targets AS (
    SELECT p.*, CASE p.kind WHEN 'product' THEN 'products' ELSE 'categories' END AS entity,
           coalesce(pp.slug, pc.slug) AS slug,
           coalesce(pp.source_id, pc.source_id) IS NOT NULL AS in_package
    FROM paths p
    LEFT JOIN pkg.products pp ON p.kind = 'product' AND pp.source_id = sid(p.entity_id)
    LEFT JOIN pkg.categories pc ON p.kind = 'category' AND pc.source_id = sid(p.entity_id)
),
distinct_targets AS (  -- a path of several store views to the same target is one redirect (the default store view's)
    SELECT * FROM targets
    QUALIFY row_number() OVER (PARTITION BY path, entity, entity_id ORDER BY is_default DESC, store_id) = 1
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY path ORDER BY in_package DESC, is_default DESC, entity, entity_id, store_id) AS n
    FROM distinct_targets
)
SELECT
    path AS source_id,
    path AS redirect_from,
    '/' || entity || '/' || coalesce(slug[lang], slug['no'], sid(entity_id)) AS redirect_to,
    301 AS code,
    lang AS language,
    entity,
    sid(entity_id) AS entity_source_id,
    CASE WHEN n > 1 THEN 'DUPLICATE_PATH: the same old path leads to another product or category too (store views without store codes in their URLs); the first is kept'
         WHEN NOT in_package THEN 'TARGET_NOT_MIGRATED: the path leads to a product or category that is not in the package' END AS _skip
FROM ranked
