-- entity: products
-- reads: product, product_description, product_to_category, product_code (4.1), weight_class(_description),
--        product_option, option, option_description, product_discount, seo_url / url_alias, language
-- OpenCart prices are net of VAT: price goes over as it is. sku is the SKU field, or the model
-- (OpenCart's required article number) when the SKU is empty; mpn is the manufacturer's number.
-- The EAN is the first valid GTIN of ean, jan, upc. Weight is converted to grams from the product's
-- weight class (kg, g, lb, oz; other units through the class's factor relative to grams).
-- tax_class_id 0 ("--- None ---") means no VAT: the 0 % class 'dumpkit:no-tax' (see tax_classes.sql).
-- OpenCart 4 variants are product rows with master_id set: they become product_variants rows of
-- their master and are left out here.
WITH p AS (
    -- columns that not every version has: master_id (4.0), sku/upc/ean/jan/mpn moved to product_code (4.1)
    SELECT * FROM (SELECT NULL::BIGINT AS master_id, NULL::VARCHAR AS sku, NULL::VARCHAR AS upc, NULL::VARCHAR AS ean,
                          NULL::VARCHAR AS jan, NULL::VARCHAR AS mpn, NULL::VARCHAR AS location WHERE false)
    UNION ALL BY NAME SELECT * FROM src.product
),
codes AS (
    SELECT product_id,
           max(value) FILTER (WHERE lower(code) = 'sku') AS sku, max(value) FILTER (WHERE lower(code) = 'upc') AS upc,
           max(value) FILTER (WHERE lower(code) = 'ean') AS ean, max(value) FILTER (WHERE lower(code) = 'jan') AS jan,
           max(value) FILTER (WHERE lower(code) = 'mpn') AS mpn
    FROM src.product_code GROUP BY product_id
),
seo AS (
    SELECT CAST(language_id AS BIGINT) AS language_id, coalesce(query, "key" || '=' || value) AS query, keyword
    FROM (SELECT NULL::BIGINT AS store_id, NULL::BIGINT AS language_id, NULL::VARCHAR AS query, NULL::VARCHAR AS "key",
                 NULL::VARCHAR AS value, NULL::VARCHAR AS keyword WHERE false
          UNION ALL BY NAME SELECT * FROM src.seo_url)
    WHERE coalesce(CAST(store_id AS BIGINT), 0) = 0
    UNION ALL
    SELECT getvariable('main_language_id'), query, keyword FROM src.url_alias
),
slugs AS (
    SELECT id, map_from_entries(list({'key': lk, 'value': slug})) AS slug
    FROM (SELECT TRY_CAST(split_part(s.query, '=', 2) AS BIGINT) AS id, lang_key(l.code) AS lk,
                 slugify(html_decode(s.keyword)) AS slug,
                 row_number() OVER (PARTITION BY split_part(s.query, '=', 2), lang_key(l.code)
                                    ORDER BY (s.language_id = getvariable('main_language_id')) DESC, s.language_id, s.keyword) AS rn
          FROM seo s JOIN src.language l ON l.language_id = s.language_id
          WHERE s.query LIKE 'product_id=%' AND slugify(html_decode(s.keyword)) IS NOT NULL)
    WHERE rn = 1
    GROUP BY id
),
d AS (
    SELECT d.product_id, lang_key(l.code) AS lk, d.language_id = getvariable('main_language_id') AS main,
           blank_null(html_decode(d.name)) AS name,
           blank_null(html_decode(d.description)) AS description,
           blank_null(html_decode(d.meta_title)) AS meta_title,
           blank_null(html_decode(d.meta_description)) AS meta_description,
           blank_null(html_decode(d.meta_keyword)) AS meta_keyword,
           row_number() OVER (PARTITION BY d.product_id, lang_key(l.code)
                              ORDER BY (d.language_id = getvariable('main_language_id')) DESC, d.language_id) AS rn
    -- meta_title came with OpenCart 2.0
    FROM (SELECT NULL::BIGINT AS product_id, NULL::BIGINT AS language_id, NULL::VARCHAR AS meta_title WHERE false
          UNION ALL BY NAME SELECT * FROM src.product_description) d
    JOIN src.language l ON l.language_id = d.language_id
),
texts AS (
    SELECT product_id,
           map_from_entries(list({'key': lk, 'value': name}) FILTER (WHERE name IS NOT NULL)) AS name,
           map_from_entries(list({'key': lk, 'value': description}) FILTER (WHERE description IS NOT NULL)) AS description,
           map_from_entries(list({'key': lk, 'value': meta_title}) FILTER (WHERE meta_title IS NOT NULL)) AS meta_title,
           map_from_entries(list({'key': lk, 'value': meta_description}) FILTER (WHERE meta_description IS NOT NULL)) AS meta_description,
           map_from_entries(list({'key': lk, 'value': meta_keyword}) FILTER (WHERE meta_keyword IS NOT NULL)) AS meta_keywords,
           first(name ORDER BY main DESC, lk) FILTER (WHERE name IS NOT NULL) AS any_name
    FROM d WHERE rn = 1 GROUP BY product_id
),
cats AS (
    SELECT product_id, list(DISTINCT sid(category_id) ORDER BY sid(category_id)) AS ids
    FROM src.product_to_category GROUP BY product_id
),
wc AS (
    SELECT w.weight_class_id, CAST(w.value AS DECIMAL(18,8)) AS value,
           (SELECT lower(trim(coalesce(wd.unit, '') || '|' || coalesce(wd.title, ''))) FROM src.weight_class_description wd
             WHERE wd.weight_class_id = w.weight_class_id
             ORDER BY (wd.language_id = getvariable('main_language_id')) DESC, wd.language_id LIMIT 1) AS unit
    FROM src.weight_class w
),
wc_grams AS (
    SELECT weight_class_id, value,
           CAST(CASE WHEN unit LIKE 'kg|%' OR unit LIKE '%|kilogram%' THEN 1000
                WHEN unit LIKE 'g|%' OR unit LIKE '%|gram%' THEN 1
                WHEN unit LIKE 'lb|%' OR unit LIKE 'lbs|%' OR unit LIKE '%|pound%' THEN 453.59237
                WHEN unit LIKE 'oz|%' OR unit LIKE '%|ounce%' THEN 28.349523125
                -- any other unit: through the class values (all relative to the default class), via the gram class
                ELSE (SELECT max(g.value) FROM wc g WHERE g.unit LIKE 'g|%' OR g.unit LIKE '%|gram%') / nullif(value, 0)
           END AS DECIMAL(38,9)) AS grams_per_unit
    FROM wc
),
option_names AS (
    SELECT o.option_id, lower(o.type) AS type,
           coalesce((SELECT blank_null(html_decode(od.name)) FROM src.option_description od WHERE od.option_id = o.option_id
                     ORDER BY (od.language_id = getvariable('main_language_id')) DESC, od.language_id LIMIT 1), 'option ' || o.option_id) AS name
    FROM src.option o
),
opts AS (
    SELECT po.product_id,
           string_agg(DISTINCT '"' || n.name || '" (' || n.type || ')', ', ' ORDER BY '"' || n.name || '" (' || n.type || ')') FILTER (WHERE n.type NOT IN ('select', 'radio', 'image', 'checkbox')) AS free_input,
           string_agg(DISTINCT '"' || n.name || '"', ', ' ORDER BY '"' || n.name || '"') FILTER (WHERE n.type = 'checkbox') AS checkbox,
           count(DISTINCT po.product_option_id) FILTER (WHERE n.type IN ('select', 'radio', 'image')) AS variant_options
    FROM src.product_option po JOIN option_names n ON n.option_id = po.option_id
    GROUP BY po.product_id
),
discounts AS (
    SELECT product_id, count(*) AS n FROM src.product_discount GROUP BY product_id
),
-- OpenCart shows a product in a store only through product_to_store: one not in the default
-- store (0) is hidden from the shop (a dump without the table hides nothing)
in_store AS (
    SELECT DISTINCT product_id FROM src.product_to_store WHERE CAST(store_id AS BIGINT) = 0
),
rows AS (
    SELECT p.*, t.name AS names, t.any_name, t.description AS descriptions, t.meta_title AS meta_titles,
           t.meta_description AS meta_descriptions, t.meta_keywords AS keywords, s.slug AS seo_slug,
           coalesce(blank_null(coalesce(c.sku, p.sku)), blank_null(p.model)) AS the_sku,
           blank_null(coalesce(c.mpn, p.mpn)) AS the_mpn,
           -- digits only; GTIN-8/12/13/14
           [x FOR x IN [regexp_replace(coalesce(c.ean, p.ean, ''), '[\s-]', '', 'g'),
                        regexp_replace(coalesce(c.jan, p.jan, ''), '[\s-]', '', 'g'),
                        regexp_replace(coalesce(c.upc, p.upc, ''), '[\s-]', '', 'g')]
              IF regexp_full_match(x, '\d{8}|\d{12,14}') AND NOT regexp_full_match(x, '0+')][1] AS the_ean,
           blank_null(coalesce(c.ean, p.ean)) AS raw_ean,
           cats.ids AS category_ids,
           w.grams_per_unit,
           o.free_input, o.checkbox, coalesce(o.variant_options, 0) AS variant_options, dc.n AS discounts,
           coalesce(p.master_id, 0) > 0 AND p.master_id IN (SELECT product_id FROM src.product) AS is_variant,
           p.product_id NOT IN (SELECT product_id FROM in_store) AND EXISTS (SELECT 1 FROM src.product_to_store) AS hidden
    FROM p
    LEFT JOIN codes c ON c.product_id = p.product_id
    LEFT JOIN texts t ON t.product_id = p.product_id
    LEFT JOIN slugs s ON s.id = p.product_id
    LEFT JOIN cats ON cats.product_id = p.product_id
    LEFT JOIN wc_grams w ON w.weight_class_id = p.weight_class_id
    LEFT JOIN opts o ON o.product_id = p.product_id
    LEFT JOIN discounts dc ON dc.product_id = p.product_id
)
SELECT
    sid(product_id) AS source_id,
    the_sku AS sku,
    the_ean AS ean,
    the_mpn AS manufacturer_sku,
    names AS name,  -- 'no' filled after the mappings when missing (map/languages.py)
    map_concat(MAP {'no': coalesce(slugify(names['no']), slugify(any_name), 'product-' || product_id)}, seo_slug) AS slug,
    nullif(descriptions, MAP {}) AS description,
    nullif(meta_titles, MAP {}) AS meta_title,
    nullif(meta_descriptions, MAP {}) AS meta_description,
    nullif(keywords, MAP {}) AS meta_keywords,
    money(price) AS price,
    CAST(NULL AS DECIMAL(18,4)) AS price_gross,
    CASE WHEN CAST(tax_class_id AS BIGINT) = 0 THEN 'dumpkit:no-tax' ELSE sid(tax_class_id) END AS tax_class_source_id,
    CASE WHEN coalesce(manufacturer_id, 0) <> 0 THEN sid(manufacturer_id) END AS manufacturer_source_id,
    coalesce(category_ids, []) AS category_source_ids,
    CAST(quantity AS INTEGER) AS quantity,
    CASE WHEN CAST(status AS INTEGER) = 1 AND NOT hidden THEN 1 ELSE 0 END AS status,
    -- 0 is OpenCart's "no weight"
    CASE WHEN CAST(weight AS DECIMAL(18,8)) > 0 THEN money(CAST(weight AS DECIMAL(18,8)) * grams_per_unit) END AS weight,
    blank_null(location) AS location,
    utc(date_available) AS date_available,
    CAST(sort_order AS INTEGER) AS sort,
    utc(date_added) AS created_at,
    utc(date_modified) AS updated_at,
    CASE WHEN is_variant THEN 'VARIANT_PRODUCT: OpenCart 4 variant of product ' || master_id || '; migrated as a product_variants row of it' END AS _skip,
    CASE WHEN hidden AND CAST(status AS INTEGER) = 1
         THEN 'status@PRODUCT_HIDDEN: not in the default store (product_to_store), so the shop never showed it; inactive in Mystore' END AS _note,
    nullif(concat_ws('|',
        CASE WHEN the_sku IS NOT NULL AND count(*) OVER (PARTITION BY lower(the_sku), is_variant) > 1 AND NOT is_variant
             THEN 'sku@DUPLICATE_SKU: article number "' || the_sku || '" is used by more than one product' END,
        CASE WHEN raw_ean IS NOT NULL AND the_ean IS NULL AND NOT regexp_full_match(raw_ean, '0+') THEN 'ean@INVALID_EAN: "' || raw_ean || '" is not a GTIN-8/12/13/14; left out' END,
        CASE WHEN coalesce(weight, 0) <> 0 AND grams_per_unit IS NULL
             THEN 'weight@WEIGHT_UNIT_UNKNOWN: weight class ' || weight_class_id || ' cannot be converted to grams; weight left out' END,
        CASE WHEN free_input IS NOT NULL THEN 'OPTION_NOT_MIGRATED: free-input option(s) ' || free_input || ' have no place in Mystore 1.0' END,
        CASE WHEN checkbox IS NOT NULL THEN 'CHECKBOX_OPTION: checkbox option(s) ' || checkbox
             || ' allow several values at once: kept as options but make no variants; their surcharges and stock are not carried over' END,
        CASE WHEN variant_options > 1 THEN 'MULTIPLE_VARIANT_OPTIONS: ' || variant_options
             || ' select/radio options; OpenCart keeps stock per option value, not per combination, so each value becomes a variant of its own' END,
        CASE WHEN discounts IS NOT NULL THEN 'DISCOUNT_NOT_MIGRATED: ' || discounts
             || ' quantity/customer-group discount(s) (product_discount) have no place in Mystore 1.0' END
    ), '') AS _warn
FROM rows
