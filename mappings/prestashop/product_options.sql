-- entity: product_options
-- reads: attribute_group, attribute_group_lang, lang
-- An attribute group (Size, Color) is an option. The name is the group's public name (what the
-- shop's customers saw on the product page), the admin name when the public one is blank.
-- PrestaShop keeps stock per combination, so every option tracks stock.
WITH texts AS (
    SELECT gl.id_attribute_group,
           map_from_entries(list({'key': lang_key(l.iso_code),
                                  'value': coalesce(blank_null(gl.public_name), blank_null(gl.name))})
                            FILTER (WHERE coalesce(blank_null(gl.public_name), blank_null(gl.name)) IS NOT NULL)) AS name
    FROM src.attribute_group_lang gl JOIN src.lang l USING (id_lang)
    GROUP BY gl.id_attribute_group
)
SELECT
    sid(g.id_attribute_group) AS source_id,
    t.name,  -- 'no' filled after the mappings when missing (map/languages.py)
    true AS track_stock,
    CAST(g.position AS INTEGER) AS sort
FROM src.attribute_group g
LEFT JOIN texts t USING (id_attribute_group)
