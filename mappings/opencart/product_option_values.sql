-- entity: product_option_values
-- reads: option_value, option_value_description, option, language
-- Values of the options mapped in product_options (select, radio, image, checkbox).
WITH d AS (
    SELECT d.option_value_id, lang_key(l.code) AS lk, d.language_id = getvariable('main_language_id') AS main,
           blank_null(html_decode(d.name)) AS name,
           row_number() OVER (PARTITION BY d.option_value_id, lang_key(l.code)
                              ORDER BY (d.language_id = getvariable('main_language_id')) DESC, d.language_id) AS rn
    FROM src.option_value_description d JOIN src.language l ON l.language_id = d.language_id
),
texts AS (
    SELECT option_value_id,
           map_from_entries(list({'key': lk, 'value': name}) FILTER (WHERE name IS NOT NULL)) AS name,
           first(name ORDER BY main DESC, lk) FILTER (WHERE name IS NOT NULL) AS any_name
    FROM d WHERE rn = 1 GROUP BY option_value_id
)
SELECT
    sid(v.option_value_id) AS source_id,
    sid(v.option_id) AS option_source_id,
    t.name,
    CAST(v.sort_order AS INTEGER) AS sort,
    CASE WHEN o.option_id IS NULL THEN 'OPTION_MISSING: the value''s option ' || v.option_id || ' does not exist'
         WHEN lower(o.type) NOT IN ('select', 'radio', 'image', 'checkbox')
         THEN 'OPTION_TYPE_UNSUPPORTED: value of a ' || o.type || ' option' END AS _skip
FROM src.option_value v
LEFT JOIN src.option o ON o.option_id = v.option_id
LEFT JOIN texts t ON t.option_value_id = v.option_value_id
