-- entity: product_options
-- reads: woocommerce_attribute_taxonomies, postmeta (_product_attributes, attribute_*), term_taxonomy, posts
-- Two kinds of WooCommerce attributes become Mystore options:
-- * global attributes: registered in woocommerce_attribute_taxonomies, their values are terms of the
--   taxonomy pa_<name>; source id 'pa_<name>'. A pa_ taxonomy that products or variations use but that is
--   not registered (deleted attribute, partial dump) still becomes an option, named from its slug.
-- * custom (per-product) attributes: only in the product's serialized _product_attributes (is_taxonomy 0),
--   keyed by sanitize_title(name); the same key on several products is one option 'custom:<key>'.
-- track_stock is true for attributes that define variations (is_variation, or used by a variation).
WITH attrs AS (
    SELECT pm.post_id, k AS attr_key, pm.j->k AS def
    FROM (SELECT m.post_id, php_json(m.meta_value)::JSON AS j
            FROM src.postmeta m JOIN src.posts p ON p.ID = m.post_id
           WHERE m.meta_key = '_product_attributes' AND p.post_type = 'product'
             AND p.post_status NOT IN ('trash', 'auto-draft')) pm,
         unnest(json_keys(pm.j)) t(k)
    WHERE json_type(pm.j) = 'OBJECT'
),
variation_keys AS (
    SELECT DISTINCT substr(m.meta_key, 11) AS attr_key
    FROM src.postmeta m JOIN src.posts v ON v.ID = m.post_id AND v.post_type = 'product_variation'
    WHERE m.meta_key LIKE 'attribute\_%' ESCAPE '\'
),
variation_attrs AS (
    SELECT DISTINCT attr_key FROM attrs WHERE def->>'is_variation' IN ('1', 'true')
    UNION SELECT attr_key FROM variation_keys
),
global_used AS (
    SELECT attr_key AS taxonomy FROM attrs WHERE def->>'is_taxonomy' IN ('1', 'true')
    UNION SELECT attr_key FROM variation_keys WHERE attr_key LIKE 'pa\_%' ESCAPE '\'
    UNION SELECT taxonomy FROM src.term_taxonomy WHERE taxonomy LIKE 'pa\_%' ESCAPE '\'
),
registered AS (
    SELECT 'pa_' || attribute_name AS taxonomy, coalesce(blank_null(html_decode(attribute_label)), attribute_name) AS name,
           CAST(attribute_id AS INTEGER) AS sort
    FROM src.woocommerce_attribute_taxonomies
),
global_options AS (
    SELECT coalesce(r.taxonomy, u.taxonomy) AS source_id,
           coalesce(r.name, upper(left(replace(url_decode(substr(u.taxonomy, 4)), '-', ' '), 1))
                            || substr(replace(url_decode(substr(u.taxonomy, 4)), '-', ' '), 2)) AS name,
           r.sort,
           CASE WHEN r.taxonomy IS NULL THEN 'name@ATTRIBUTE_NOT_REGISTERED: ' || u.taxonomy
                || ' is used by products but not defined in woocommerce_attribute_taxonomies; named from its slug' END AS _warn
    FROM registered r FULL JOIN (SELECT DISTINCT taxonomy FROM global_used) u ON u.taxonomy = r.taxonomy
),
-- options that have at least one value (see product_option_values.sql): terms, slugs used by variations, custom texts
with_values AS (
    SELECT DISTINCT taxonomy AS source_id FROM src.term_taxonomy WHERE taxonomy LIKE 'pa\_%' ESCAPE '\'
    UNION SELECT substr(m.meta_key, 11) FROM src.postmeta m JOIN src.posts v ON v.ID = m.post_id AND v.post_type = 'product_variation'
          WHERE m.meta_key LIKE 'attribute\_pa\_%' ESCAPE '\' AND blank_null(m.meta_value) IS NOT NULL
    UNION SELECT 'custom:' || substr(m.meta_key, 11) FROM src.postmeta m JOIN src.posts v ON v.ID = m.post_id AND v.post_type = 'product_variation'
          WHERE m.meta_key LIKE 'attribute\_%' ESCAPE '\' AND m.meta_key NOT LIKE 'attribute\_pa\_%' ESCAPE '\' AND blank_null(m.meta_value) IS NOT NULL
    UNION SELECT 'custom:' || attr_key FROM attrs
          WHERE coalesce(def->>'is_taxonomy', '0') NOT IN ('1', 'true') AND trim(replace(coalesce(def->>'value', ''), '|', '')) <> ''
),
custom_options AS (
    SELECT 'custom:' || attr_key AS source_id, min(blank_null(def->>'name')) AS name, attr_key
    FROM attrs WHERE coalesce(def->>'is_taxonomy', '0') NOT IN ('1', 'true')
    GROUP BY attr_key
)
SELECT o.source_id, MAP {'no': o.name} AS name,
       o.attr_key IN (SELECT attr_key FROM variation_attrs) AS track_stock, o.sort, o._warn,
       CASE WHEN o.source_id NOT IN (SELECT source_id FROM with_values)
            THEN 'NO_VALUES: attribute has no values (no terms, no product or variation names one)' END AS _skip
FROM (
    SELECT g.source_id, g.name, g.sort, g._warn, g.source_id AS attr_key FROM global_options g
    UNION ALL
    SELECT c.source_id, coalesce(c.name, c.attr_key), NULL, NULL, c.attr_key FROM custom_options c
) o
