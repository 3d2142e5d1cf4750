-- WordPress users and their WooCommerce usermeta as the shop holds them: names, e-mail, phone and the
-- billing and shipping addresses as two blocks (registration time in GMT)
WITH um AS (
    SELECT user_id,
        max(meta_value) FILTER (WHERE meta_key = 'first_name') AS first_name,
        max(meta_value) FILTER (WHERE meta_key = 'last_name') AS last_name,
        max(meta_value) FILTER (WHERE meta_key = 'billing_first_name') AS b_first,
        max(meta_value) FILTER (WHERE meta_key = 'billing_last_name') AS b_last,
        max(meta_value) FILTER (WHERE meta_key = 'billing_company') AS b_company,
        max(meta_value) FILTER (WHERE meta_key = 'billing_address_1') AS b_addr1,
        max(meta_value) FILTER (WHERE meta_key = 'billing_address_2') AS b_addr2,
        max(meta_value) FILTER (WHERE meta_key = 'billing_postcode') AS b_postcode,
        max(meta_value) FILTER (WHERE meta_key = 'billing_city') AS b_city,
        max(meta_value) FILTER (WHERE meta_key = 'billing_state') AS b_state,
        max(meta_value) FILTER (WHERE meta_key = 'billing_country') AS b_country,
        max(meta_value) FILTER (WHERE meta_key = 'billing_phone') AS b_phone,
        max(meta_value) FILTER (WHERE meta_key = 'shipping_first_name') AS s_first,
        max(meta_value) FILTER (WHERE meta_key = 'shipping_last_name') AS s_last,
        max(meta_value) FILTER (WHERE meta_key = 'shipping_company') AS s_company,
        max(meta_value) FILTER (WHERE meta_key = 'shipping_address_1') AS s_addr1,
        max(meta_value) FILTER (WHERE meta_key = 'shipping_address_2') AS s_addr2,
        max(meta_value) FILTER (WHERE meta_key = 'shipping_postcode') AS s_postcode,
        max(meta_value) FILTER (WHERE meta_key = 'shipping_city') AS s_city,
        max(meta_value) FILTER (WHERE meta_key = 'shipping_state') AS s_state,
        max(meta_value) FILTER (WHERE meta_key = 'shipping_country') AS s_country,
        max(meta_value) FILTER (WHERE meta_key = 'shipping_phone') AS s_phone
    FROM src.usermeta GROUP BY user_id
)
SELECT
    CAST(u.ID AS VARCHAR) AS source_id,
    false AS is_guest,
    u.user_email AS email,
    coalesce(nullif(m.first_name, ''), m.b_first) AS name,
    coalesce(nullif(m.last_name, ''), m.b_last) AS lastname,
    m.b_phone AS phone,
    [{'kind': 'billing', 'name': concat_ws(' ', m.b_first, m.b_last), 'company': m.b_company,
      'street': concat_ws(', ', nullif(m.b_addr1, ''), nullif(m.b_addr2, '')), 'zipcode': m.b_postcode, 'city': m.b_city,
      'region': m.b_state, 'country': m.b_country, 'phone': m.b_phone},
     {'kind': 'shipping', 'name': concat_ws(' ', m.s_first, m.s_last), 'company': m.s_company,
      'street': concat_ws(', ', nullif(m.s_addr1, ''), nullif(m.s_addr2, '')), 'zipcode': m.s_postcode, 'city': m.s_city,
      'region': m.s_state, 'country': m.s_country, 'phone': m.s_phone}] AS addresses,
    timezone('UTC', u.user_registered) AS created_at
FROM src.users u
LEFT JOIN um m ON m.user_id = u.ID
