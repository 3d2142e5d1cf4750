-- entity: product_option_values
-- reads: term_taxonomy, terms, termmeta, postmeta (_product_attributes, attribute_*), posts
-- Values of global attributes are the terms of taxonomy pa_<name>: source id '<taxonomy>:<term slug>',
-- because variations and order lines name the value by its slug (attribute_pa_color = 'red'). A slug a
-- variation uses without a term (deleted term, partial dump) still becomes a value, named from the slug
-- ('navy-blue' -> 'Navy blue').
-- Values of custom attributes are the product's text split on '|' (WC_DELIMITER, trimmed); source id
-- 'custom:<key>:<slug of the value>' - variations store the text itself (older versions its sanitized
-- slug), so the slug is what matches them.
WITH attrs AS (
    SELECT pm.post_id, k AS attr_key, pm.j->k AS def
    FROM (SELECT m.post_id, php_json(m.meta_value)::JSON AS j
            FROM src.postmeta m JOIN src.posts p ON p.ID = m.post_id
           WHERE m.meta_key = '_product_attributes' AND p.post_type = 'product'
             AND p.post_status NOT IN ('trash', 'auto-draft')) pm,
         unnest(json_keys(pm.j)) t(k)
    WHERE json_type(pm.j) = 'OBJECT'
),
variation_values AS (
    SELECT DISTINCT substr(m.meta_key, 11) AS attr_key, m.meta_value AS value
    FROM src.postmeta m JOIN src.posts v ON v.ID = m.post_id AND v.post_type = 'product_variation'
    WHERE m.meta_key LIKE 'attribute\_%' ESCAPE '\' AND blank_null(m.meta_value) IS NOT NULL
),
term_values AS (
    SELECT tt.taxonomy || ':' || t.slug AS source_id, tt.taxonomy AS option_source_id,
           coalesce(blank_null(html_decode(t.name)), url_decode(t.slug)) AS name,
           TRY_CAST((SELECT max(tm.meta_value) FROM src.termmeta tm WHERE tm.term_id = t.term_id
                      AND tm.meta_key IN ('order', 'order_' || tt.taxonomy)) AS INTEGER) AS sort,
           NULL AS _warn, 0 AS pref
    FROM src.term_taxonomy tt JOIN src.terms t ON t.term_id = tt.term_id
    WHERE tt.taxonomy LIKE 'pa\_%' ESCAPE '\'
),
slug_values AS (
    SELECT attr_key || ':' || value, attr_key,
           upper(left(replace(url_decode(value), '-', ' '), 1)) || substr(replace(url_decode(value), '-', ' '), 2), NULL,
           'name@VALUE_WITHOUT_TERM: ' || attr_key || ' value ''' || value || ''' is used by a variation but has no term; named from its slug',
           1
    FROM variation_values WHERE attr_key LIKE 'pa\_%' ESCAPE '\'
),
custom_values AS (
    SELECT 'custom:' || a.attr_key || ':' || coalesce(slugify(trim(v.value)), lower(trim(v.value))),
           'custom:' || a.attr_key, trim(v.value), CAST(v.pos AS INTEGER), NULL, 0
    FROM attrs a, unnest(string_split(a.def->>'value', '|')) WITH ORDINALITY v(value, pos)
    WHERE coalesce(a.def->>'is_taxonomy', '0') NOT IN ('1', 'true') AND trim(v.value) <> ''
    UNION ALL
    SELECT 'custom:' || attr_key || ':' || coalesce(slugify(trim(value)), lower(trim(value))),
           'custom:' || attr_key, trim(value), NULL, NULL, 1
    FROM variation_values WHERE attr_key NOT LIKE 'pa\_%' ESCAPE '\'
),
candidates AS (
    SELECT * FROM term_values UNION ALL SELECT * FROM slug_values UNION ALL SELECT * FROM custom_values
)
-- one row per value id: a term wins over a bare slug, then the first position
SELECT source_id, option_source_id, MAP {'no': name} AS name,
       min(sort) OVER (PARTITION BY source_id) AS sort, _warn
FROM candidates
WHERE option_source_id IN (SELECT source_id FROM pkg.product_options)
QUALIFY row_number() OVER (PARTITION BY source_id ORDER BY pref, sort NULLS LAST, name) = 1
