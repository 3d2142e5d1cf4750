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
    CASE WHEN t.name['no'] IS NOT NULL THEN t.name
         ELSE map_concat(coalesce(t.name, MAP {}), MAP {'no': coalesce(map_values(t.name)[1], 'Verdi ' || a.id_attribute)}) END AS name,
    CAST(a.position AS INTEGER) AS sort,
    CASE WHEN t.name['no'] IS NULL THEN 'name@EMPTY_NAME: attribute has no name in the main language; another language''s name or "Verdi <id>" used' END AS _warn
FROM src.attribute a
LEFT JOIN texts t USING (id_attribute)
