-- WordPress user and WooCommerce usermeta fields as the shop holds them
SELECT
    CAST(u.ID AS VARCHAR) AS source_id,
    u.user_email AS email,
    u.user_login AS login,
    (SELECT max(meta_value) FROM src.usermeta WHERE user_id = u.ID AND meta_key = 'first_name') AS name,
    (SELECT max(meta_value) FROM src.usermeta WHERE user_id = u.ID AND meta_key = 'last_name') AS lastname,
    (SELECT max(meta_value) FROM src.usermeta WHERE user_id = u.ID AND meta_key = getvariable('table_prefix') || 'capabilities') AS roles,
    (SELECT max(meta_value) FROM src.usermeta WHERE user_id = u.ID AND meta_key = 'billing_phone') AS phone,
    (SELECT max(meta_value) FROM src.usermeta WHERE user_id = u.ID AND meta_key = 'billing_address_1') AS billing_address_address,
    (SELECT max(meta_value) FROM src.usermeta WHERE user_id = u.ID AND meta_key = 'billing_postcode') AS billing_address_zipcode,
    (SELECT max(meta_value) FROM src.usermeta WHERE user_id = u.ID AND meta_key = 'billing_city') AS billing_address_city,
    (SELECT max(meta_value) FROM src.usermeta WHERE user_id = u.ID AND meta_key = 'billing_country') AS billing_address_country,
    (SELECT max(meta_value) FROM src.usermeta WHERE user_id = u.ID AND meta_key = 'shipping_address_1') AS address_address,
    (SELECT max(meta_value) FROM src.usermeta WHERE user_id = u.ID AND meta_key = 'shipping_postcode') AS address_zipcode,
    (SELECT max(meta_value) FROM src.usermeta WHERE user_id = u.ID AND meta_key = 'shipping_city') AS address_city,
    u.user_registered AS created_at
FROM src.users u
