-- entity: manufacturers
-- reads: manufacturer, manufacturer_description (forks only), seo_url / url_alias, language
-- OpenCart keeps only a name, image and sort order; some forks add manufacturer_description.
-- The slug is the shop's SEO keyword for 'manufacturer_id=N' (seo_url per language in 3+,
-- url_alias in 1.5-2.x), else the name.
WITH seo AS (
    -- SEO keywords of every version as (language_id, query, keyword); OpenCart 4 splits the query into key/value
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
          WHERE s.query LIKE 'manufacturer_id=%' AND slugify(html_decode(s.keyword)) IS NOT NULL)
    WHERE rn = 1
    GROUP BY id
),
descr AS (
    SELECT manufacturer_id,
           map_from_entries(list({'key': lk, 'value': description}) FILTER (WHERE description IS NOT NULL)) AS description,
           map_from_entries(list({'key': lk, 'value': meta_title}) FILTER (WHERE meta_title IS NOT NULL)) AS meta_title,
           map_from_entries(list({'key': lk, 'value': meta_description}) FILTER (WHERE meta_description IS NOT NULL)) AS meta_description
    FROM (SELECT d.manufacturer_id, lang_key(l.code) AS lk,
                 blank_null(html_decode(d.description)) AS description,
                 blank_null(html_decode(d.meta_title)) AS meta_title,
                 blank_null(html_decode(d.meta_description)) AS meta_description,
                 row_number() OVER (PARTITION BY d.manufacturer_id, lang_key(l.code)
                                    ORDER BY (d.language_id = getvariable('main_language_id')) DESC, d.language_id) AS rn
          FROM (SELECT NULL::BIGINT AS manufacturer_id, NULL::BIGINT AS language_id, NULL::VARCHAR AS description,
                       NULL::VARCHAR AS meta_title, NULL::VARCHAR AS meta_description WHERE false
                UNION ALL BY NAME SELECT * FROM src.manufacturer_description) d
          JOIN src.language l ON l.language_id = d.language_id)
    WHERE rn = 1
    GROUP BY manufacturer_id
)
SELECT
    sid(m.manufacturer_id) AS source_id,
    coalesce(blank_null(html_decode(m.name)), 'N/A') AS name,
    map_concat(MAP {'no': coalesce(slugify(html_decode(m.name)), 'manufacturer-' || m.manufacturer_id)}, s.slug) AS slug,
    nullif(d.description, MAP {}) AS description,
    nullif(d.meta_title, MAP {}) AS meta_title,
    nullif(d.meta_description, MAP {}) AS meta_description,
    CASE WHEN blank_null(m.image) IS NOT NULL THEN 'image/' || trim(m.image) END AS image_source_url,
    CAST(m.sort_order AS INTEGER) AS sort,
    CASE WHEN blank_null(m.name) IS NULL THEN 'name@EMPTY_NAME: manufacturer has no name; set to ''N/A''' END AS _warn
FROM src.manufacturer m
LEFT JOIN slugs s ON s.id = m.manufacturer_id
LEFT JOIN descr d ON d.manufacturer_id = m.manufacturer_id
