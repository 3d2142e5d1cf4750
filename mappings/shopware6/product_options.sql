-- entity: product_options
-- reads: property_group, property_group_translation, property_group_option, product_option, product_configurator_setting, product, language, locale
-- A property group (Size, Colour) that variants are built from (a variant's product_option row, or a
-- product's configurator setting) is an option. Groups only used as product properties (filters,
-- "Material: cotton") have no place in Mystore: products.sql reports the properties it leaves out.
-- Shopware keeps stock per variant, so every option tracks stock. Texts as in manufacturers.sql;
-- the order is the group's position (a translated field: the system language's), then its name.
WITH used AS (
    SELECT DISTINCT o.property_group_id AS id
    FROM src.property_group_option o
    WHERE o.id IN (SELECT po.property_group_option_id FROM src.product_option po JOIN src.product p
                     ON p.id = po.product_id AND p.version_id = po.product_version_id AND p.version_id = getvariable('live_version'))
       OR o.id IN (SELECT property_group_option_id FROM src.product_configurator_setting WHERE version_id = getvariable('live_version'))
),
texts AS (
    SELECT g.id,
           map_from_entries(list({'key': l.key, 'value': coalesce(blank_null(t.name), blank_null(tp.name))})
                            FILTER (WHERE coalesce(blank_null(t.name), blank_null(tp.name)) IS NOT NULL)) AS name
    FROM src.property_group g CROSS JOIN shop.languages l
    LEFT JOIN src.property_group_translation t ON t.property_group_id = g.id AND t.language_id = l.id
    LEFT JOIN src.property_group_translation tp ON tp.property_group_id = g.id AND tp.language_id = l.parent_id
    GROUP BY g.id
)
SELECT
    lower(hex(g.id)) AS source_id,
    t.name,  -- 'no' filled after the mappings when missing (map/languages.py)
    true AS track_stock,
    CAST(row_number() OVER (ORDER BY s.position NULLS LAST, lower(s.name), g.id) AS INTEGER) AS sort
FROM src.property_group g
JOIN used u ON u.id = g.id
LEFT JOIN texts t ON t.id = g.id
LEFT JOIN src.property_group_translation s ON s.property_group_id = g.id AND s.language_id = getvariable('system_language')
