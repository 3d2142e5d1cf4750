-- WooCommerce variations of a product as the shop holds them: the attributes (term names for
-- global attributes, the text for custom ones; empty = any value), SKU, stock when managed, and
-- the variation's own regular price as entered (with VAT when the shop enters prices with VAT)
WITH meta AS (
    SELECT m.post_id,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_sku') AS sku,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_global_unique_id') AS gtin,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_regular_price') AS regular_price,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_manage_stock') AS manage_stock,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_stock') AS stock
    FROM src.postmeta m WHERE m.post_id IN (SELECT ID FROM src.posts WHERE post_type = 'product_variation')
    GROUP BY m.post_id
),
attrs AS (
    SELECT m.post_id,
           string_agg(coalesce(html_decode(a.attribute_label), substr(m.meta_key, 11)) || ': '
                      || coalesce(html_decode(t.name), nullif(m.meta_value, ''), 'alle'), ', ' ORDER BY m.meta_key) AS options
    FROM src.postmeta m
    LEFT JOIN src.woocommerce_attribute_taxonomies a ON m.meta_key = 'attribute_pa_' || a.attribute_name
    LEFT JOIN src.term_taxonomy tt ON tt.taxonomy = substr(m.meta_key, 11) AND m.meta_key LIKE 'attribute\_pa\_%' ESCAPE '\'
    LEFT JOIN src.terms t ON t.term_id = tt.term_id AND t.slug = m.meta_value
    WHERE m.meta_key LIKE 'attribute\_%' ESCAPE '\' AND m.post_id IN (SELECT ID FROM src.posts WHERE post_type = 'product_variation')
      AND (tt.term_id IS NULL OR t.term_id IS NOT NULL OR m.meta_value = '')
    GROUP BY m.post_id
)
SELECT
    CAST(v.post_parent AS VARCHAR) AS product_source_id,
    CAST(v.ID AS VARCHAR) AS source_id,
    a.options AS options,
    m.sku AS sku,
    m.gtin AS ean,
    CASE WHEN m.manage_stock = 'yes' THEN TRY_CAST(TRY_CAST(m.stock AS DOUBLE) AS INTEGER) END AS quantity,
    TRY_CAST(blank_null(m.regular_price) AS DECIMAL(18,6)) AS price,
    getvariable('prices_include_tax') AS price_includes_tax,
    v.post_status AS visibility,
    getvariable('shop_currency') AS currency
FROM src.posts v
LEFT JOIN meta m ON m.post_id = v.ID
LEFT JOIN attrs a ON a.post_id = v.ID
WHERE v.post_type = 'product_variation'
