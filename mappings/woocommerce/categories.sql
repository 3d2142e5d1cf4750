-- entity: categories
-- reads: term_taxonomy, terms, termmeta, term_relationships, posts, postmeta (attachments), options (default_product_cat)
-- Categories are terms of taxonomy product_cat; term_taxonomy.parent points at the parent's term_id.
-- WooCommerce cannot delete its default category ("Uncategorized", option default_product_cat); when it
-- holds no product it is left out rather than becoming an empty visible category in Mystore.
WITH cats AS (
    SELECT tt.term_id, tt.term_taxonomy_id, tt.parent, tt.description, t.name, t.slug
    FROM src.term_taxonomy tt JOIN src.terms t ON t.term_id = tt.term_id
    WHERE tt.taxonomy = 'product_cat'
),
used AS (
    SELECT DISTINCT tr.term_taxonomy_id FROM src.term_relationships tr
    JOIN src.posts p ON p.ID = tr.object_id AND p.post_type = 'product'
),
thumb AS (
    SELECT term_id, min(TRY_CAST(meta_value AS BIGINT)) AS attachment_id FROM src.termmeta
    WHERE meta_key = 'thumbnail_id' AND TRY_CAST(meta_value AS BIGINT) > 0 GROUP BY term_id
),
files AS (
    SELECT p.ID, coalesce(
        CASE WHEN f.meta_value LIKE 'http%' THEN f.meta_value
             WHEN blank_null(f.meta_value) IS NOT NULL THEN getvariable('uploads_url') || '/' || f.meta_value END,
        blank_null(p.guid)) AS url
    FROM src.posts p LEFT JOIN src.postmeta f ON f.post_id = p.ID AND f.meta_key = '_wp_attached_file'
    WHERE p.post_type = 'attachment'
)
SELECT
    sid(c.term_id) AS source_id,
    CASE WHEN c.parent IN (SELECT term_id FROM cats) THEN sid(c.parent) END AS parent_source_id,
    MAP {'no': coalesce(blank_null(html_decode(c.name)), c.slug)} AS name,
    MAP {'no': coalesce(slugify(url_decode(c.slug)), slugify(html_decode(c.name)), sid(c.term_id))} AS slug,
    CASE WHEN blank_null(c.description) IS NOT NULL THEN MAP {'no': c.description} END AS description,
    f.url AS image_source_url,
    1 AS status,
    TRY_CAST((SELECT max(meta_value) FROM src.termmeta o WHERE o.term_id = c.term_id AND o.meta_key = 'order') AS INTEGER) AS sort,
    CASE WHEN sid(c.term_id) = (SELECT max(option_value) FROM src.options WHERE option_name = 'default_product_cat')
              AND c.term_taxonomy_id NOT IN (SELECT term_taxonomy_id FROM used)
         THEN 'EMPTY_DEFAULT_CATEGORY: WooCommerce''s default category holds no products' END AS _skip,
    CASE WHEN c.parent <> 0 AND c.parent NOT IN (SELECT term_id FROM cats)
         THEN 'parent_source_id@PARENT_MISSING: parent term ' || c.parent || ' is not a product category; made top-level' END AS _warn
FROM cats c
LEFT JOIN thumb th ON th.term_id = c.term_id
LEFT JOIN files f ON f.ID = th.attachment_id
