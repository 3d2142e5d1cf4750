-- entity: categories
-- reads: category, category_lang, category_shop, lang
-- PrestaShop's "Root" (id_parent 0) and "Home" (the shop's root) are structure, not categories:
-- they are left out and their children become top-level categories in Mystore.
-- Texts are the shop's (category_lang.id_shop), every language; the sort order is the shop's.
WITH texts AS (
    SELECT cl.id_category,
           map_from_entries(list({'key': lang_key(l.iso_code), 'value': cl.name}) FILTER (WHERE blank_null(cl.name) IS NOT NULL)) AS name,
           map_from_entries(list({'key': lang_key(l.iso_code), 'value': cl.link_rewrite}) FILTER (WHERE blank_null(cl.link_rewrite) IS NOT NULL)) AS slug,
           map_from_entries(list({'key': lang_key(l.iso_code), 'value': cl.description}) FILTER (WHERE blank_null(cl.description) IS NOT NULL)) AS description,
           map_from_entries(list({'key': lang_key(l.iso_code), 'value': cl.meta_title}) FILTER (WHERE blank_null(cl.meta_title) IS NOT NULL)) AS meta_title,
           map_from_entries(list({'key': lang_key(l.iso_code), 'value': cl.meta_description}) FILTER (WHERE blank_null(cl.meta_description) IS NOT NULL)) AS meta_description
    FROM src.category_lang cl JOIN src.lang l USING (id_lang)
    WHERE cl.id_shop = getvariable('shop_id')
    GROUP BY cl.id_category
),
roots AS (SELECT id_category FROM src.category WHERE id_parent = 0 OR is_root_category = 1),
in_shop AS (SELECT id_category, min(position) AS position FROM src.category_shop
            WHERE id_shop = getvariable('shop_id') GROUP BY id_category)
SELECT
    sid(c.id_category) AS source_id,
    CASE WHEN c.id_parent IN (SELECT id_category FROM roots) THEN NULL ELSE sid(c.id_parent) END AS parent_source_id,
    -- without Norwegian text the main language's is copied to 'no' after the mappings (map/languages.py)
    t.name,
    t.slug, t.description, t.meta_title, t.meta_description,
    'img/c/' || c.id_category || '.jpg' AS image_source_url,
    CAST(c.active AS INTEGER) AS status,
    CAST(coalesce(s.position, c.position) AS INTEGER) AS sort,
    utc(c.date_add) AS created_at,
    utc(c.date_upd) AS updated_at,
    CASE WHEN c.id_category IN (SELECT id_category FROM roots)
         THEN 'ROOT_CATEGORY: PrestaShop root/home category; its children are top-level in Mystore'
         WHEN s.id_category IS NULL
         THEN 'OTHER_SHOP: category is not in the migrated shop (category_shop)' END AS _skip
FROM src.category c
LEFT JOIN texts t USING (id_category)
LEFT JOIN in_shop s USING (id_category)
