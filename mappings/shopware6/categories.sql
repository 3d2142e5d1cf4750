-- entity: categories
-- reads: category, category_translation, language, locale, sales_channel, media
-- Every live category. A root (no parent: "Catalogue #1", the tree a sales channel's navigation
-- starts from) is structure, not a category: it is left out and its children are top-level in
-- Mystore. The trees of a sales channel's footer and service menus hold CMS pages (imprint,
-- shipping), not products: left out. A category of type 'link' is a menu entry pointing
-- elsewhere: left out with its target.
-- Texts per language with the parent language's as fallback (see manufacturers.sql); the slug is
-- the name's (Shopware's SEO URL is the name path, "Clothing/Men/"). The order among siblings is
-- Shopware's linked list (after_category_id: the sibling it comes after).
WITH RECURSIVE live AS (
    SELECT * FROM src.category WHERE version_id = getvariable('live_version')
),
tr AS (
    SELECT c.id, l.key,
           coalesce(blank_null(t.name), blank_null(tp.name)) AS name,
           coalesce(blank_null(t.description), blank_null(tp.description)) AS description,
           coalesce(blank_null(t.meta_title), blank_null(tp.meta_title)) AS meta_title,
           coalesce(blank_null(t.meta_description), blank_null(tp.meta_description)) AS meta_description,
           coalesce(blank_null(t.external_link), blank_null(tp.external_link)) AS external_link
    FROM live c CROSS JOIN shop.languages l
    LEFT JOIN src.category_translation t ON t.category_id = c.id AND t.category_version_id = c.version_id AND t.language_id = l.id
    LEFT JOIN src.category_translation tp ON tp.category_id = c.id AND tp.category_version_id = c.version_id AND tp.language_id = l.parent_id
),
texts AS (
    SELECT id,
           map_from_entries(list({'key': key, 'value': name}) FILTER (WHERE name IS NOT NULL)) AS name,
           map_from_entries(list({'key': key, 'value': slugify(name)}) FILTER (WHERE slugify(name) IS NOT NULL)) AS slug,
           map_from_entries(list({'key': key, 'value': description}) FILTER (WHERE description IS NOT NULL)) AS description,
           map_from_entries(list({'key': key, 'value': meta_title}) FILTER (WHERE meta_title IS NOT NULL)) AS meta_title,
           map_from_entries(list({'key': key, 'value': meta_description}) FILTER (WHERE meta_description IS NOT NULL)) AS meta_description,
           max(external_link) AS external_link
    FROM tr GROUP BY id
),
menus AS (  -- the roots of the sales channels' footer and service menus that are no navigation root
    SELECT footer_category_id AS id FROM src.sales_channel WHERE footer_category_id IS NOT NULL
    UNION SELECT service_category_id FROM src.sales_channel WHERE service_category_id IS NOT NULL
    EXCEPT SELECT navigation_category_id FROM src.sales_channel WHERE navigation_category_id IS NOT NULL
),
in_menu AS (
    SELECT id FROM menus
    UNION ALL
    SELECT c.id FROM live c JOIN in_menu m ON c.parent_id = m.id
),
sorted AS (  -- position in the sibling list: the first has no after_category_id
    SELECT c.id, c.parent_id, 1 AS pos FROM live c
    WHERE c.after_category_id IS NULL OR c.after_category_id NOT IN (SELECT id FROM live)
    UNION ALL
    SELECT c.id, c.parent_id, s.pos + 1 FROM live c JOIN sorted s ON c.after_category_id = s.id
                                      AND c.parent_id IS NOT DISTINCT FROM s.parent_id
    WHERE s.pos < 100000
)
SELECT
    lower(hex(c.id)) AS source_id,
    CASE WHEN p.parent_id IS NOT NULL THEN lower(hex(c.parent_id)) END AS parent_source_id,  -- a root's children are top-level
    t.name,  -- without Norwegian text the system language's is copied to 'no' after the mappings (map/languages.py)
    t.slug, t.description, t.meta_title, t.meta_description,
    md.path AS image_source_url,
    CAST(coalesce(c.active, 0) AS INTEGER) AS status,
    CAST((SELECT max(s.pos) FROM sorted s WHERE s.id = c.id) AS INTEGER) AS sort,
    timezone('UTC', CAST(c.created_at AS TIMESTAMP)) AS created_at,
    timezone('UTC', CAST(c.updated_at AS TIMESTAMP)) AS updated_at,
    CASE WHEN c.parent_id IS NULL
         THEN 'ROOT_CATEGORY: Shopware root category (the tree a sales channel''s navigation starts from); its children are top-level in Mystore'
         WHEN c.id IN (SELECT id FROM in_menu)
         THEN 'MENU_CATEGORY: page of a sales channel''s footer or service menu (CMS content, not a product category)'
         WHEN c.type = 'link'
         THEN 'CATEGORY_LINK: a menu entry that links elsewhere' || coalesce(' (' || t.external_link || ')', '') || ', not a category' END AS _skip
FROM live c
LEFT JOIN live p ON p.id = c.parent_id
LEFT JOIN texts t ON t.id = c.id
LEFT JOIN shop.media_files md ON md.id = c.media_id
