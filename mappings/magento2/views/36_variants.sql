-- The variants of configurable products: each simple child (catalog_product_super_link) with its value of
-- every super attribute of its parent (catalog_product_super_attribute, by position), as the default store
-- view sees it. A child linked to two configurables is the first one's variant (nth_parent).
WITH supers AS (
    SELECT p.entity_id AS parent_id, sa.attribute_id, sa.position
    FROM src.catalog_product_super_attribute sa JOIN shop.product_rows p ON p.link = sa.product_id
),
links AS (
    SELECT p.entity_id AS parent_id, sl.product_id AS child_id
    FROM src.catalog_product_super_link sl JOIN shop.product_rows p ON p.link = sl.parent_id
),
child_values AS (
    SELECT entity_id AS child_id, attribute_id, TRY_CAST(arg_max(value, store_id) AS BIGINT) AS option_id
    FROM shop.eav_values
    WHERE kind = 'product' AND store_id IN (0, getvariable('store_id')) AND attribute_id IN (SELECT attribute_id FROM supers)
    GROUP BY ALL
)
SELECT l.parent_id, l.child_id,
       list(sid(cv.option_id) ORDER BY s.position, s.attribute_id) FILTER (WHERE cv.option_id IS NOT NULL) AS option_ids,
       count(cv.option_id) AS n_values, count(*) AS n_attributes,
       row_number() OVER (PARTITION BY l.child_id ORDER BY l.parent_id) AS nth_parent
FROM links l
JOIN supers s ON s.parent_id = l.parent_id
LEFT JOIN child_values cv ON cv.child_id = l.child_id AND cv.attribute_id = s.attribute_id
GROUP BY l.parent_id, l.child_id
