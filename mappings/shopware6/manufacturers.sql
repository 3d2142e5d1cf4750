-- entity: manufacturers
-- reads: product_manufacturer, product_manufacturer_translation, language, locale, media
-- A manufacturer (live version) with its texts in every language: a language without its own
-- row or field takes its parent language's (de-CH from de-DE), as Shopware shows it; the system
-- language stands in for a missing Norwegian text after the mappings (map/languages.py).
-- The name is plain text in Mystore: the Norwegian one, else the system language's.
-- The logo is its media file (shop.media_files, views/).
WITH texts AS (
    SELECT m.id,
           map_from_entries(list({'key': l.key, 'value': coalesce(blank_null(t.name), blank_null(tp.name))})
                            FILTER (WHERE coalesce(blank_null(t.name), blank_null(tp.name)) IS NOT NULL)) AS name,
           map_from_entries(list({'key': l.key, 'value': coalesce(blank_null(t.description), blank_null(tp.description))})
                            FILTER (WHERE coalesce(blank_null(t.description), blank_null(tp.description)) IS NOT NULL)) AS description
    FROM src.product_manufacturer m CROSS JOIN shop.languages l
    LEFT JOIN src.product_manufacturer_translation t ON t.product_manufacturer_id = m.id
         AND t.product_manufacturer_version_id = m.version_id AND t.language_id = l.id
    LEFT JOIN src.product_manufacturer_translation tp ON tp.product_manufacturer_id = m.id
         AND tp.product_manufacturer_version_id = m.version_id AND tp.language_id = l.parent_id
    WHERE m.version_id = getvariable('live_version')
    GROUP BY m.id
)
SELECT
    lower(hex(m.id)) AS source_id,
    coalesce(t.name['no'], t.name[lang_key(getvariable('main_language'))], list_sort(map_values(t.name))[1], 'Produsent ' || lower(hex(m.id))) AS name,
    map_from_entries([{'key': 'no', 'value': coalesce(slugify(coalesce(t.name['no'], t.name[lang_key(getvariable('main_language'))],
        list_sort(map_values(t.name))[1])), lower(hex(m.id)))}]) AS slug,
    t.description,
    CASE WHEN blank_null(m.link) IS NOT NULL THEN MAP {'no': trim(m.link)} END AS url,
    NULL::MAP(VARCHAR, VARCHAR) AS meta_title,
    NULL::MAP(VARCHAR, VARCHAR) AS meta_description,
    md.path AS image_source_url,
    NULL::INTEGER AS sort,
    timezone('UTC', CAST(m.created_at AS TIMESTAMP)) AS created_at,
    timezone('UTC', CAST(m.updated_at AS TIMESTAMP)) AS updated_at,
    CASE WHEN cardinality(t.name) = 0 OR t.name IS NULL THEN 'name@EMPTY_NAME: manufacturer has no name in any language; named after its id' END AS _warn
FROM src.product_manufacturer m
LEFT JOIN texts t ON t.id = m.id
LEFT JOIN shop.media_files md ON md.id = m.media_id
WHERE m.version_id = getvariable('live_version')
