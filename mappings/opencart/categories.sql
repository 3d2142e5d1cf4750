-- entity: categories
-- reads: category, category_description, language, seo_url / url_alias
-- A tree by parent_id (0 = top level). Texts are stored HTML-escaped (&lt;p&gt;, &amp;) and are
-- decoded. The slug is the SEO keyword for 'category_id=N' (1.5-3.x); OpenCart 4 keys category
-- keywords by 'path' = '20_27' with the whole path as keyword ('desktops/mac'): the last part is
-- this category's own keyword.
WITH seo AS (
    SELECT CAST(language_id AS BIGINT) AS language_id,
           coalesce(query, CASE WHEN "key" = 'path' THEN 'category_id=' || regexp_extract(value, '(\d+)$', 1)
                                ELSE "key" || '=' || value END) AS query,
           CASE WHEN "key" = 'path' THEN value END AS path,
           regexp_extract(keyword, '([^/]+)/*$', 1) AS keyword
    FROM (SELECT NULL::BIGINT AS store_id, NULL::BIGINT AS language_id, NULL::VARCHAR AS query, NULL::VARCHAR AS "key",
                 NULL::VARCHAR AS value, NULL::VARCHAR AS keyword WHERE false
          UNION ALL BY NAME SELECT * FROM src.seo_url)
    WHERE coalesce(CAST(store_id AS BIGINT), 0) = 0
    UNION ALL
    SELECT getvariable('main_language_id'), query, NULL, keyword FROM src.url_alias
),
slugs AS (
    -- OpenCart 4 may hold stale 'path' rows of a moved category: prefer the one that fits the tree
    SELECT id, map_from_entries(list({'key': lk, 'value': slug})) AS slug
    FROM (SELECT s.id, lang_key(l.code) AS lk, slugify(html_decode(s.keyword)) AS slug,
                 row_number() OVER (PARTITION BY s.id, lang_key(l.code)
                                    ORDER BY (s.language_id = getvariable('main_language_id')) DESC, s.fits DESC, s.language_id, s.keyword) AS rn
          FROM (SELECT s.*, TRY_CAST(split_part(s.query, '=', 2) AS BIGINT) AS id,
                       s.path IS NULL OR CASE WHEN coalesce(c.parent_id, 0) = 0 THEN s.path = sid(c.category_id)
                                              ELSE regexp_extract(s.path, '(\d+)_\d+$', 1) = sid(c.parent_id) END AS fits
                FROM seo s LEFT JOIN src.category c ON sid(c.category_id) = split_part(s.query, '=', 2)
                WHERE s.query LIKE 'category_id=%') s
          JOIN src.language l ON l.language_id = s.language_id
          WHERE slugify(html_decode(s.keyword)) IS NOT NULL)
    WHERE rn = 1
    GROUP BY id
),
d AS (
    SELECT d.category_id, lang_key(l.code) AS lk, d.language_id = getvariable('main_language_id') AS main,
           blank_null(html_decode(d.name)) AS name,
           blank_null(html_decode(d.description)) AS description,
           blank_null(html_decode(d.meta_title)) AS meta_title,
           blank_null(html_decode(d.meta_description)) AS meta_description,
           row_number() OVER (PARTITION BY d.category_id, lang_key(l.code)
                              ORDER BY (d.language_id = getvariable('main_language_id')) DESC, d.language_id) AS rn
    -- meta_title came with OpenCart 2.0
    FROM (SELECT NULL::BIGINT AS category_id, NULL::BIGINT AS language_id, NULL::VARCHAR AS meta_title WHERE false
          UNION ALL BY NAME SELECT * FROM src.category_description) d
    JOIN src.language l ON l.language_id = d.language_id
),
texts AS (
    SELECT category_id,
           map_from_entries(list({'key': lk, 'value': name}) FILTER (WHERE name IS NOT NULL)) AS name,
           map_from_entries(list({'key': lk, 'value': description}) FILTER (WHERE description IS NOT NULL)) AS description,
           map_from_entries(list({'key': lk, 'value': meta_title}) FILTER (WHERE meta_title IS NOT NULL)) AS meta_title,
           map_from_entries(list({'key': lk, 'value': meta_description}) FILTER (WHERE meta_description IS NOT NULL)) AS meta_description,
           -- the name to show when the main language has none
           first(name ORDER BY main DESC, lk) FILTER (WHERE name IS NOT NULL) AS any_name
    FROM d WHERE rn = 1
    GROUP BY category_id
)
SELECT
    sid(c.category_id) AS source_id,
    CASE WHEN coalesce(c.parent_id, 0) <> 0 THEN sid(c.parent_id) END AS parent_source_id,
    t.name,  -- 'no' filled after the mappings when missing (map/languages.py)
    map_concat(MAP {'no': coalesce(slugify(t.name['no']), slugify(t.any_name), 'category-' || c.category_id)}, s.slug) AS slug,
    nullif(t.description, MAP {}) AS description,
    nullif(t.meta_title, MAP {}) AS meta_title,
    nullif(t.meta_description, MAP {}) AS meta_description,
    CASE WHEN blank_null(c.image) IS NOT NULL THEN 'image/' || trim(c.image) END AS image_source_url,
    CASE WHEN CAST(c.status AS INTEGER) = 1 THEN 1 ELSE 0 END AS status,
    CAST(c.sort_order AS INTEGER) AS sort,
    utc(c.date_added) AS created_at,
    utc(c.date_modified) AS updated_at
FROM src.category c
LEFT JOIN texts t ON t.category_id = c.category_id
LEFT JOIN slugs s ON s.id = c.category_id
