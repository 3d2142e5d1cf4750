-- WooCommerce orders as the shop holds them, from the order store WooCommerce reads (HPOS tables when
-- they are authoritative, else shop_order posts): status, customer, billing and shipping addresses,
-- payment, the shipping items' names, currency, the GMT creation time
WITH pm AS (
    SELECT post_id, meta_key, meta_value FROM src.postmeta
    WHERE NOT getvariable('hpos') AND post_id IN (SELECT ID FROM src.posts WHERE post_type = 'shop_order')
),
legacy AS (
    SELECT p.ID AS id, p.post_status AS status, timezone('UTC', p.post_date_gmt) AS created_at,
           max(meta_value) FILTER (WHERE meta_key = '_customer_user') AS customer_user,
           max(meta_value) FILTER (WHERE meta_key = '_order_currency') AS currency,
           max(meta_value) FILTER (WHERE meta_key = '_payment_method_title') AS payment_title,
           max(meta_value) FILTER (WHERE meta_key = '_billing_email') AS email,
           {'kind': 'billing', 'name': concat_ws(' ', max(meta_value) FILTER (WHERE meta_key = '_billing_first_name'),
                                                    max(meta_value) FILTER (WHERE meta_key = '_billing_last_name')),
            'company': max(meta_value) FILTER (WHERE meta_key = '_billing_company'),
            'street': concat_ws(', ', nullif(max(meta_value) FILTER (WHERE meta_key = '_billing_address_1'), ''),
                                     nullif(max(meta_value) FILTER (WHERE meta_key = '_billing_address_2'), '')),
            'zipcode': max(meta_value) FILTER (WHERE meta_key = '_billing_postcode'),
            'city': max(meta_value) FILTER (WHERE meta_key = '_billing_city'),
            'region': max(meta_value) FILTER (WHERE meta_key = '_billing_state'),
            'country': max(meta_value) FILTER (WHERE meta_key = '_billing_country'),
            'phone': max(meta_value) FILTER (WHERE meta_key = '_billing_phone')} AS billing,
           {'kind': 'shipping', 'name': concat_ws(' ', max(meta_value) FILTER (WHERE meta_key = '_shipping_first_name'),
                                                     max(meta_value) FILTER (WHERE meta_key = '_shipping_last_name')),
            'company': max(meta_value) FILTER (WHERE meta_key = '_shipping_company'),
            'street': concat_ws(', ', nullif(max(meta_value) FILTER (WHERE meta_key = '_shipping_address_1'), ''),
                                     nullif(max(meta_value) FILTER (WHERE meta_key = '_shipping_address_2'), '')),
            'zipcode': max(meta_value) FILTER (WHERE meta_key = '_shipping_postcode'),
            'city': max(meta_value) FILTER (WHERE meta_key = '_shipping_city'),
            'region': max(meta_value) FILTER (WHERE meta_key = '_shipping_state'),
            'country': max(meta_value) FILTER (WHERE meta_key = '_shipping_country'),
            'phone': max(meta_value) FILTER (WHERE meta_key = '_shipping_phone')} AS shipping
    FROM src.posts p LEFT JOIN pm ON pm.post_id = p.ID
    WHERE NOT getvariable('hpos') AND p.post_type = 'shop_order'
    GROUP BY p.ID, p.post_status, p.post_date_gmt
),
hpos AS (
    SELECT o.id, o.status, timezone('UTC', o.date_created_gmt) AS created_at, CAST(o.customer_id AS VARCHAR) AS customer_user,
           o.currency, o.payment_method_title AS payment_title, coalesce(nullif(b.email, ''), o.billing_email) AS email,
           {'kind': 'billing', 'name': concat_ws(' ', b.first_name, b.last_name), 'company': b.company,
            'street': concat_ws(', ', nullif(b.address_1, ''), nullif(b.address_2, '')), 'zipcode': b.postcode, 'city': b.city,
            'region': b.state, 'country': b.country, 'phone': b.phone} AS billing,
           {'kind': 'shipping', 'name': concat_ws(' ', s.first_name, s.last_name), 'company': s.company,
            'street': concat_ws(', ', nullif(s.address_1, ''), nullif(s.address_2, '')), 'zipcode': s.postcode, 'city': s.city,
            'region': s.state, 'country': s.country, 'phone': s.phone} AS shipping
    FROM src.wc_orders o
    LEFT JOIN src.wc_order_addresses b ON b.order_id = o.id AND b.address_type = 'billing'
    LEFT JOIN src.wc_order_addresses s ON s.order_id = o.id AND s.address_type = 'shipping'
    WHERE getvariable('hpos') AND coalesce(o.type, 'shop_order') = 'shop_order'
),
o AS (SELECT * FROM legacy UNION ALL BY NAME SELECT * FROM hpos)
SELECT
    CAST(o.id AS VARCHAR) AS source_id,
    CAST(o.id AS VARCHAR) AS reference,
    o.created_at AS created_at,
    o.status AS order_status,
    coalesce(nullif(concat_ws(' ', (SELECT max(meta_value) FROM src.usermeta WHERE user_id = TRY_CAST(o.customer_user AS BIGINT) AND meta_key = 'first_name'),
                                   (SELECT max(meta_value) FROM src.usermeta WHERE user_id = TRY_CAST(o.customer_user AS BIGINT) AND meta_key = 'last_name')), ''),
             nullif(o.billing.name, ''), o.shipping.name) AS customer,
    o.email AS customer_email,
    o.payment_title AS payment_method,
    (SELECT string_agg(html_decode(i.order_item_name), ', ' ORDER BY i.order_item_id) FROM src.woocommerce_order_items i
      WHERE i.order_id = o.id AND i.order_item_type = 'shipping') AS shipping_method,
    o.currency AS currency,
    [o.billing, o.shipping] AS addresses
FROM o
