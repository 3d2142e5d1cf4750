-- entity: manufacturers
-- reads: manufacturer, manufacturer_lang, lang
SELECT
    sid(m.id_manufacturer) AS source_id,
    m.name AS name,
    map_from_entries([{'key': 'no', 'value': slugify(m.name)}]) AS slug,
    (SELECT map_from_entries(list({'key': lang_key(l.iso_code), 'value': ml.description}))
       FROM src.manufacturer_lang ml JOIN src.lang l USING (id_lang)
      WHERE ml.id_manufacturer = m.id_manufacturer AND blank_null(ml.description) IS NOT NULL) AS description,
    (SELECT map_from_entries(list({'key': lang_key(l.iso_code), 'value': ml.meta_title}))
       FROM src.manufacturer_lang ml JOIN src.lang l USING (id_lang)
      WHERE ml.id_manufacturer = m.id_manufacturer AND blank_null(ml.meta_title) IS NOT NULL) AS meta_title,
    (SELECT map_from_entries(list({'key': lang_key(l.iso_code), 'value': ml.meta_description}))
       FROM src.manufacturer_lang ml JOIN src.lang l USING (id_lang)
      WHERE ml.id_manufacturer = m.id_manufacturer AND blank_null(ml.meta_description) IS NOT NULL) AS meta_description,
    NULL::MAP(VARCHAR, VARCHAR) AS url,  -- PrestaShop keeps no manufacturer website
    'img/m/' || m.id_manufacturer || '.jpg' AS image_source_url,
    NULL::INTEGER AS sort,
    utc(m.date_add) AS created_at,
    utc(m.date_upd) AS updated_at
FROM src.manufacturer m
