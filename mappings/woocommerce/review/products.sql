-- WooCommerce product fields as the shop holds them (post + postmeta), named after the package fields they feed
SELECT
    CAST(p.ID AS VARCHAR) AS source_id,
    p.post_title AS name,
    p.post_name AS slug,
    p.post_status AS status,
    (SELECT max(t.slug) FROM src.term_relationships r JOIN src.term_taxonomy tt ON tt.term_taxonomy_id = r.term_taxonomy_id
       JOIN src.terms t ON t.term_id = tt.term_id WHERE r.object_id = p.ID AND tt.taxonomy = 'product_type') AS product_type,
    (SELECT max(meta_value) FROM src.postmeta WHERE post_id = p.ID AND meta_key = '_sku') AS sku,
    (SELECT max(meta_value) FROM src.postmeta WHERE post_id = p.ID AND meta_key = '_regular_price') AS price,
    (SELECT max(meta_value) FROM src.postmeta WHERE post_id = p.ID AND meta_key = '_sale_price') AS sale_price,
    (SELECT max(option_value) FROM src.options WHERE option_name = 'woocommerce_prices_include_tax') AS prices_include_tax,
    (SELECT max(meta_value) FROM src.postmeta WHERE post_id = p.ID AND meta_key = '_tax_class') AS tax_class_source_id,
    (SELECT max(meta_value) FROM src.postmeta WHERE post_id = p.ID AND meta_key = '_stock') AS quantity,
    (SELECT max(meta_value) FROM src.postmeta WHERE post_id = p.ID AND meta_key = '_manage_stock') AS manage_stock,
    (SELECT max(meta_value) FROM src.postmeta WHERE post_id = p.ID AND meta_key = '_weight') || ' '
        || coalesce((SELECT max(option_value) FROM src.options WHERE option_name = 'woocommerce_weight_unit'), 'kg') AS weight,
    (SELECT list(CAST(tt.term_id AS VARCHAR) ORDER BY tt.term_id) FROM src.term_relationships r
       JOIN src.term_taxonomy tt ON tt.term_taxonomy_id = r.term_taxonomy_id
      WHERE r.object_id = p.ID AND tt.taxonomy = 'product_cat') AS category_source_ids,
    p.post_date_gmt AS created_at
FROM src.posts p
WHERE p.post_type = 'product'
