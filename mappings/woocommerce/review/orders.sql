-- WooCommerce order fields as the shop holds them: the HPOS tables when they are the order store, else the posts
SELECT
    CAST(o.id AS VARCHAR) AS source_id,
    CAST(o.customer_id AS VARCHAR) AS customer_source_id,
    o.status AS order_status,
    concat_ws(' ', b.first_name, b.last_name) AS customer_address_name,
    o.billing_email AS customer_address_email,
    b.country AS customer_address_country,
    o.payment_method_title AS payment_method,
    o.payment_method AS payment_module,
    o.currency AS currency,
    o.total_amount AS total,
    o.date_created_gmt AS created_at
FROM src.wc_orders o
LEFT JOIN src.wc_order_addresses b ON b.order_id = o.id AND b.address_type = 'billing'
WHERE getvariable('hpos') AND coalesce(o.type, 'shop_order') = 'shop_order'
UNION ALL
SELECT
    CAST(p.ID AS VARCHAR),
    (SELECT max(meta_value) FROM src.postmeta WHERE post_id = p.ID AND meta_key = '_customer_user'),
    p.post_status,
    concat_ws(' ', (SELECT max(meta_value) FROM src.postmeta WHERE post_id = p.ID AND meta_key = '_billing_first_name'),
                   (SELECT max(meta_value) FROM src.postmeta WHERE post_id = p.ID AND meta_key = '_billing_last_name')),
    (SELECT max(meta_value) FROM src.postmeta WHERE post_id = p.ID AND meta_key = '_billing_email'),
    (SELECT max(meta_value) FROM src.postmeta WHERE post_id = p.ID AND meta_key = '_billing_country'),
    (SELECT max(meta_value) FROM src.postmeta WHERE post_id = p.ID AND meta_key = '_payment_method_title'),
    (SELECT max(meta_value) FROM src.postmeta WHERE post_id = p.ID AND meta_key = '_payment_method'),
    (SELECT max(meta_value) FROM src.postmeta WHERE post_id = p.ID AND meta_key = '_order_currency'),
    TRY_CAST((SELECT max(meta_value) FROM src.postmeta WHERE post_id = p.ID AND meta_key = '_order_total') AS DECIMAL(26,8)),
    p.post_date_gmt
FROM src.posts p
WHERE NOT getvariable('hpos') AND p.post_type = 'shop_order'
