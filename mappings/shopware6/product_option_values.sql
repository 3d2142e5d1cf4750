-- entity: product_option_values
-- reads: property_group_option, property_group_option_translation, product_option, product_configurator_setting, product, language, locale
-- A property group option (S, M, Red) of a variant group (product_options.sql) is an option value:
-- the ones a variant or a product's configurator uses. Its colour code and image have no place in
-- Mystore. Texts as in manufacturers.sql. The order is Shopware's: the options' positions when the
-- group sorts by position, else their names in the system language, numbers by value (alphanumeric).
WITH used AS (
    SELECT po.property_group_option_id AS id FROM src.product_option po
    JOIN src.product p ON p.id = po.product_id AND p.version_id = po.product_version_id AND p.version_id = getvariable('live_version')
    UNION
    SELECT property_group_option_id FROM src.product_configurator_setting WHERE version_id = getvariable('live_version')
),
texts AS (
    SELECT o.id,
           map_from_entries(list({'key': l.key, 'value': coalesce(blank_null(t.name), blank_null(tp.name))})
                            FILTER (WHERE coalesce(blank_null(t.name), blank_null(tp.name)) IS NOT NULL)) AS name
    FROM src.property_group_option o CROSS JOIN shop.languages l
    LEFT JOIN src.property_group_option_translation t ON t.property_group_option_id = o.id AND t.language_id = l.id
    LEFT JOIN src.property_group_option_translation tp ON tp.property_group_option_id = o.id AND tp.language_id = l.parent_id
    WHERE o.id IN (SELECT id FROM used)
    GROUP BY o.id
)
SELECT
    lower(hex(o.id)) AS source_id,
    lower(hex(o.property_group_id)) AS option_source_id,
    t.name,  -- 'no' filled after the mappings when missing (map/languages.py)
    CAST(row_number() OVER (PARTITION BY o.property_group_id
        ORDER BY CASE WHEN g.sorting_type = 'position' THEN s.position END NULLS LAST,
                 TRY_CAST(regexp_extract(s.name, '^[0-9]+') AS BIGINT) NULLS LAST, lower(s.name), o.id) AS INTEGER) AS sort
FROM src.property_group_option o
JOIN texts t ON t.id = o.id
LEFT JOIN src.property_group g ON g.id = o.property_group_id
LEFT JOIN src.property_group_option_translation s ON s.property_group_option_id = o.id AND s.language_id = getvariable('system_language')
