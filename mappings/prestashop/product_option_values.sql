-- entity: product_option_values
-- reads: attribute, attribute_lang, lang
-- An attribute (S, M, Red) is an option value; its colour code (attribute.color) has no place
-- in Mystore and is not carried.
WITH texts AS (
    SELECT al.id_attribute,
           map_from_entries(list({'key': lang_key(l.iso_code), 'value': al.name})
                            FILTER (WHERE blank_null(al.name) IS NOT NULL)) AS name
    FROM src.attribute_lang al JOIN src.lang l USING (id_lang)
    GROUP BY al.id_attribute
)
SELECT
    sid(a.id_attribute) AS source_id,
    sid(a.id_attribute_group) AS option_source_id,
    t.name,  -- 'no' filled after the mappings when missing (map/languages.py)
    CAST(a.position AS INTEGER) AS sort
FROM src.attribute a
LEFT JOIN texts t USING (id_attribute)
