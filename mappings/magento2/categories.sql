-- entity: categories
-- reads: catalog_category_entity + EAV (shop.category_rows, shop.texts, shop.eav_values), store_group
-- Magento's "Root Catalog" (level 0) and every store's root category (level 1, "Default Category") are
-- structure, not categories: left out, their children are top-level in Mystore. Categories under another
-- store group's root are another shop's. Texts: every language's store view (shop.texts).
-- The image attribute is a file name under pub/media/catalog/category/ (2.4 may store it as a path from the
-- shop root, /media/...).
WITH texts AS (
    SELECT entity_id,
           map_from_entries(list({'key': lang, 'value': name} ORDER BY lang) FILTER (WHERE name IS NOT NULL)) AS name,
           map_from_entries(list({'key': lang, 'value': url_key} ORDER BY lang) FILTER (WHERE url_key IS NOT NULL)) AS slug,
           map_from_entries(list({'key': lang, 'value': description} ORDER BY lang) FILTER (WHERE description IS NOT NULL)) AS description,
           map_from_entries(list({'key': lang, 'value': meta_title} ORDER BY lang) FILTER (WHERE meta_title IS NOT NULL)) AS meta_title,
           map_from_entries(list({'key': lang, 'value': meta_description} ORDER BY lang) FILTER (WHERE meta_description IS NOT NULL)) AS meta_description,
           max(image) AS image
    FROM shop.texts WHERE kind = 'category' GROUP BY entity_id
),
active AS (  -- is_active as the shop's default store view sees it
    SELECT entity_id, TRY_CAST(arg_max(value, store_id) AS INTEGER) AS is_active FROM shop.eav_values
    WHERE kind = 'category' AND code = 'is_active' AND store_id IN (0, getvariable('store_id'))
    GROUP BY entity_id
),
parents AS (SELECT entity_id, is_root FROM shop.category_rows)
SELECT
    sid(c.entity_id) AS source_id,
    CASE WHEN NOT coalesce(p.is_root, true) THEN sid(c.parent_id) END AS parent_source_id,
    t.name,  -- without Norwegian text the main language's is copied to 'no' after the mappings (map/languages.py)
    t.slug, t.description, t.meta_title, t.meta_description,
    CASE WHEN t.image LIKE '/%' THEN ltrim(t.image, '/')
         WHEN t.image IS NOT NULL THEN 'pub/media/catalog/category/' || t.image END AS image_source_url,
    CAST(coalesce(f.is_active, 0) AS INTEGER) AS status,
    CAST(c.position AS INTEGER) AS sort,
    timezone('UTC', c.created_at) AS created_at,
    timezone('UTC', c.updated_at) AS updated_at,
    CASE WHEN c.level = 0 THEN 'ROOT_CATEGORY: Magento''s root catalog; structure, not a category'
         WHEN c.level = 1 AND c.in_shop THEN 'ROOT_CATEGORY: the shop''s root category; its children are top-level in Mystore'
         WHEN NOT c.in_shop THEN 'OTHER_SHOP: category under another store''s root category' END AS _skip
FROM shop.category_rows c
LEFT JOIN parents p ON p.entity_id = c.parent_id
LEFT JOIN texts t ON t.entity_id = c.entity_id
LEFT JOIN active f ON f.entity_id = c.entity_id
