-- entity: redirects
-- reads: posts, term_taxonomy, terms, term_relationships, options (permalink_structure, woocommerce_permalinks);
--        pkg.products, pkg.categories, pkg.manufacturers
-- Old storefront paths of what is active in the package -> Mystore paths, from the WooCommerce
-- permalink settings (params product_base / category_base):
--   /<product_base>/<post_name>/                         e.g. /product/hoodie/, nb_NO installs /produkt/...
--   (a product base with %product_cat% gives one path per category of the product)
--   /<category_base>/<parent slug>/.../<slug>/           e.g. /product-category/clothing/tshirts/
--   /brand/<slug>/                                       product_brand (WooCommerce Brands' default base)
--   a variation's own link: the product's path with the variation's attributes, as WooCommerce writes it
--                 (/product/hoodie/?attribute_pa_color=blue&attribute_logo=Yes), to the product
-- With plain permalinks (permalink_structure '') the pages are query strings: /?product=<slug>.
-- The trailing slash follows permalink_structure. redirect_to uses the slug the mapping gave; dumpkit's
-- slug de-duplication runs later, so the lead re-points redirects whose slug changed.
WITH RECURSIVE cat AS (
    SELECT tt.term_id, tt.parent, t.slug FROM src.term_taxonomy tt JOIN src.terms t ON t.term_id = tt.term_id
    WHERE tt.taxonomy = 'product_cat'
),
cat_path (term_id, path, parent, depth) AS (
    SELECT term_id, slug, parent, 0 FROM cat
    UNION ALL
    SELECT cp.term_id, c.slug || '/' || cp.path, c.parent, cp.depth + 1
    FROM cat_path cp JOIN cat c ON c.term_id = cp.parent
    WHERE cp.depth < 20
),
full_path AS (
    SELECT term_id, arg_max(path, depth) AS path FROM cat_path GROUP BY term_id
),
cfg AS (
    SELECT getvariable('permalink_structure') = '' AS plain,
           CASE WHEN getvariable('permalink_structure') LIKE '/index.php%' THEN '/index.php' ELSE '' END AS front,
           CASE WHEN getvariable('permalink_structure') LIKE '%/' THEN '/' ELSE '' END AS slash
),
product_paths AS (
    SELECT pp.source_id, pp.slug['no'] AS new_slug,
           CASE WHEN cfg.plain THEN '/?product=' || p.post_name
                ELSE cfg.front || '/' || replace(getvariable('product_base'), '%product_cat%', coalesce(fp.path, 'uncategorized'))
                     || '/' || p.post_name || cfg.slash END AS old_path,
           coalesce(tr.term_order, 0) AS pref
    FROM pkg.products pp
    JOIN src.posts p ON sid(p.ID) = pp.source_id
    CROSS JOIN cfg
    LEFT JOIN (SELECT r.object_id, tt.term_id, r.term_order FROM src.term_relationships r
               JOIN src.term_taxonomy tt ON tt.term_taxonomy_id = r.term_taxonomy_id AND tt.taxonomy = 'product_cat'
               WHERE getvariable('product_base') LIKE '%\%product\_cat\%%' ESCAPE '\') tr ON tr.object_id = p.ID
    LEFT JOIN full_path fp ON fp.term_id = tr.term_id
    WHERE pp.status = 1 AND blank_null(p.post_name) IS NOT NULL
),
variation_queries AS (  -- the chosen attributes of each variation for sale (an empty one means "any": not in the link)
    SELECT pv.product_source_id, string_agg(m.meta_key || '=' || url_encode(m.meta_value), '&' ORDER BY m.meta_id) AS query
    FROM pkg.product_variants pv
    JOIN src.postmeta m ON sid(m.post_id) = pv.source_id AND m.meta_key LIKE 'attribute\_%' ESCAPE '\'
    WHERE NOT pv.disabled AND blank_null(m.meta_value) IS NOT NULL
    GROUP BY pv.source_id, pv.product_source_id
),
paths AS (
    SELECT old_path, '/products/' || new_slug AS redirect_to, 'products' AS entity, source_id, 1 AS kind FROM product_paths
    UNION ALL
    SELECT pp.old_path || CASE WHEN pp.old_path LIKE '%?%' THEN '&' ELSE '?' END || vq.query, '/products/' || pp.new_slug,
           'products', pp.source_id, 4
    FROM product_paths pp JOIN variation_queries vq ON vq.product_source_id = pp.source_id
    UNION ALL
    SELECT CASE WHEN cfg.plain THEN '/?product_cat=' || c.slug
                ELSE cfg.front || '/' || getvariable('category_base') || '/' || fp.path || cfg.slash END,
           '/categories/' || pc.slug['no'], 'categories', pc.source_id, 2
    FROM pkg.categories pc
    JOIN cat c ON sid(c.term_id) = pc.source_id
    JOIN full_path fp ON fp.term_id = c.term_id
    CROSS JOIN cfg
    WHERE pc.status = 1
    UNION ALL
    SELECT CASE WHEN cfg.plain THEN '/?product_brand=' || t.slug ELSE cfg.front || '/brand/' || t.slug || cfg.slash END,
           '/manufacturers/' || pm.slug['no'], 'manufacturers', pm.source_id, 3
    FROM pkg.manufacturers pm
    JOIN src.term_taxonomy tt ON sid(tt.term_id) = pm.source_id AND tt.taxonomy = 'product_brand'
    JOIN src.terms t ON t.term_id = tt.term_id
    CROSS JOIN cfg
)
SELECT old_path AS source_id, old_path AS redirect_from, redirect_to, 301 AS code, 'no' AS language,
       entity, source_id AS entity_source_id,
       CASE WHEN row_number() OVER (PARTITION BY old_path ORDER BY kind, source_id) > 1
            THEN 'DUPLICATE_PATH: ' || old_path || ' is already redirected' END AS _skip
FROM paths
