-- entity: product_options
-- reads: option, option_description, language
-- OpenCart options are global and linked to products by product_option. Only the types with a
-- list of values become Mystore options: select, radio and image (one value per order line:
-- these carry stock per value, track_stock) and checkbox (several values at once: no variants).
-- Free-input types (text, textarea, file, date, time, datetime) have no place in Mystore 1.0;
-- they are left out here and reported on each product that uses them.
WITH d AS (
    SELECT d.option_id, lang_key(l.code) AS lk, d.language_id = getvariable('main_language_id') AS main,
           blank_null(html_decode(d.name)) AS name,
           row_number() OVER (PARTITION BY d.option_id, lang_key(l.code)
                              ORDER BY (d.language_id = getvariable('main_language_id')) DESC, d.language_id) AS rn
    FROM src.option_description d JOIN src.language l ON l.language_id = d.language_id
),
texts AS (
    SELECT option_id,
           map_from_entries(list({'key': lk, 'value': name}) FILTER (WHERE name IS NOT NULL)) AS name,
           first(name ORDER BY main DESC, lk) FILTER (WHERE name IS NOT NULL) AS any_name
    FROM d WHERE rn = 1 GROUP BY option_id
)
SELECT
    sid(o.option_id) AS source_id,
    t.name,
    lower(o.type) IN ('select', 'radio', 'image') AS track_stock,
    CAST(o.sort_order AS INTEGER) AS sort,
    CASE WHEN lower(o.type) NOT IN ('select', 'radio', 'image', 'checkbox')
         THEN 'OPTION_TYPE_UNSUPPORTED: ' || o.type || ' option "' || coalesce(t.any_name, '') || '" takes free input; Mystore 1.0 has no place for it' END AS _skip
FROM src.option o
LEFT JOIN texts t ON t.option_id = o.option_id
