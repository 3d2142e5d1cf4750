-- entity: customers
-- reads: users, usermeta, wc_customer_lookup, posts + postmeta (_customer_user), wc_orders
-- Customers are WordPress users that are shop customers: a wc_customer_lookup row, the role 'customer'
-- in usermeta <prefix>capabilities (serialized; the key carries the table prefix), or orders of their own.
-- Other users (administrators, editors, subscribers without orders) are left out as NOT_A_CUSTOMER.
-- WooCommerce keeps a billing_* and a shipping_* address in usermeta. Mystore's main address is where
-- goods go: the shipping address when the customer has one, else the billing address; the billing
-- address goes in billing_address_* only when it differs (all null = same as main).
-- user_registered is GMT; wc_last_active and last_update are unix timestamps.
WITH m AS (
    SELECT um.user_id,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'first_name') AS first_name,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'last_name') AS last_name,
        max(um.meta_value) FILTER (WHERE um.meta_key = getvariable('table_prefix') || 'capabilities') AS capabilities,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'wc_last_active') AS last_active,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'last_update') AS last_update,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'billing_first_name') AS b_first,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'billing_last_name') AS b_last,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'billing_company') AS b_company,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'billing_address_1') AS b_addr1,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'billing_address_2') AS b_addr2,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'billing_postcode') AS b_postcode,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'billing_city') AS b_city,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'billing_state') AS b_state,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'billing_country') AS b_country,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'billing_email') AS b_email,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'billing_phone') AS b_phone,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'shipping_first_name') AS s_first,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'shipping_last_name') AS s_last,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'shipping_company') AS s_company,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'shipping_address_1') AS s_addr1,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'shipping_address_2') AS s_addr2,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'shipping_postcode') AS s_postcode,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'shipping_city') AS s_city,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'shipping_state') AS s_state,
        max(um.meta_value) FILTER (WHERE um.meta_key = 'shipping_country') AS s_country
    FROM src.usermeta um GROUP BY um.user_id
),
buyers AS (
    SELECT TRY_CAST(pm.meta_value AS BIGINT) AS user_id FROM src.postmeta pm
    JOIN src.posts p ON p.ID = pm.post_id AND p.post_type = 'shop_order'
    WHERE pm.meta_key = '_customer_user'
    UNION SELECT customer_id FROM src.wc_orders
),
u AS (
    SELECT u.*, m.*,
        -- roles granted in the serialized capabilities: a:1:{s:8:"customer";b:1;}
        coalesce(regexp_extract_all(m.capabilities, 's:\d+:"([^"]*)";(?:b:1|i:1|s:1:"1");', 1), []) AS roles,
        coalesce(blank_null(m.s_addr1), blank_null(m.s_first), blank_null(m.s_last), blank_null(m.s_city)) IS NOT NULL AS has_shipping,
        coalesce(map_value('country', upper(trim(m.b_country))), blank_null(upper(m.b_country))) AS b_cc,
        coalesce(map_value('country', upper(trim(m.s_country))), blank_null(upper(m.s_country))) AS s_cc
    FROM src.users u LEFT JOIN m ON m.user_id = u.ID
),
c AS (
    SELECT u.*,
        has_shipping AND (coalesce(b_first, '') <> coalesce(s_first, '') OR coalesce(b_last, '') <> coalesce(s_last, '')
            OR coalesce(b_company, '') <> coalesce(s_company, '') OR coalesce(b_addr1, '') <> coalesce(s_addr1, '')
            OR coalesce(b_addr2, '') <> coalesce(s_addr2, '') OR coalesce(b_postcode, '') <> coalesce(s_postcode, '')
            OR coalesce(b_city, '') <> coalesce(s_city, '') OR coalesce(b_cc, '') <> coalesce(s_cc, '')) AS separate_billing,
        regexp_replace(coalesce(b_phone, ''), '[\s().-]', '', 'g') AS phone_digits
    FROM u
)
SELECT
    sid(c.ID) AS source_id,
    false AS is_guest,
    lower(trim(coalesce(blank_null(c.user_email), c.b_email, ''))) AS email,
    coalesce(blank_null(c.first_name), blank_null(c.b_first), blank_null(c.s_first)) AS name,
    coalesce(blank_null(c.last_name), blank_null(c.b_last), blank_null(c.s_last)) AS lastname,
    CASE WHEN coalesce(c.b_cc, c.s_cc, getvariable('shop_country')) = 'NO' AND regexp_matches(c.phone_digits, '^(\+47|0047)?\d{8}$')
         THEN '+47' || right(c.phone_digits, 8) ELSE blank_null(c.b_phone) END AS phone,
    NULL::VARCHAR AS gender,
    NULL::DATE AS dob,
    false AS newsletter,
    CASE WHEN lower(trim(c.b_email)) <> lower(trim(c.user_email)) THEN lower(trim(c.b_email)) END AS billing_email,
    blank_null(CASE WHEN c.has_shipping THEN c.s_first ELSE c.b_first END) AS address_name,
    blank_null(CASE WHEN c.has_shipping THEN c.s_last ELSE c.b_last END) AS address_lastname,
    blank_null(CASE WHEN c.has_shipping THEN c.s_company ELSE c.b_company END) AS address_company,
    NULL::VARCHAR AS address_company_co,
    NULL::VARCHAR AS address_company_number,
    nullif(CASE WHEN c.has_shipping THEN concat_ws(', ', blank_null(c.s_addr1), blank_null(c.s_addr2))
                ELSE concat_ws(', ', blank_null(c.b_addr1), blank_null(c.b_addr2)) END, '') AS address_address,
    blank_null(CASE WHEN c.has_shipping THEN c.s_postcode ELSE c.b_postcode END) AS address_zipcode,
    blank_null(CASE WHEN c.has_shipping THEN c.s_city ELSE c.b_city END) AS address_city,
    NULL::VARCHAR AS address_region,
    blank_null(CASE WHEN c.has_shipping THEN c.s_state ELSE c.b_state END) AS address_state,
    CASE WHEN c.has_shipping THEN c.s_cc ELSE c.b_cc END AS address_country,
    CASE WHEN c.separate_billing THEN blank_null(c.b_first) END AS billing_address_name,
    CASE WHEN c.separate_billing THEN blank_null(c.b_last) END AS billing_address_lastname,
    CASE WHEN c.separate_billing THEN blank_null(c.b_company) END AS billing_address_company,
    NULL::VARCHAR AS billing_address_company_co,
    NULL::VARCHAR AS billing_address_company_number,
    CASE WHEN c.separate_billing THEN nullif(concat_ws(', ', blank_null(c.b_addr1), blank_null(c.b_addr2)), '') END AS billing_address_address,
    CASE WHEN c.separate_billing THEN blank_null(c.b_postcode) END AS billing_address_zipcode,
    CASE WHEN c.separate_billing THEN blank_null(c.b_city) END AS billing_address_city,
    NULL::VARCHAR AS billing_address_region,
    CASE WHEN c.separate_billing THEN blank_null(c.b_state) END AS billing_address_state,
    CASE WHEN c.separate_billing THEN c.b_cc END AS billing_address_country,
    NULL::VARCHAR AS extra_addresses,
    to_timestamp(TRY_CAST(c.last_active AS BIGINT)) AS last_login,
    timezone('UTC', c.user_registered) AS created_at,
    to_timestamp(TRY_CAST(c.last_update AS BIGINT)) AS updated_at,
    CASE WHEN placeholder_account(coalesce(blank_null(c.user_email), c.b_email))
         THEN 'PLACEHOLDER_ACCOUNT: an account that stands for anonymised customers, not a customer; its orders are kept on a guest customer'
         WHEN NOT (c.ID IN (SELECT user_id FROM src.wc_customer_lookup WHERE user_id IS NOT NULL)
                   OR list_contains(c.roles, 'customer')
                   OR c.ID IN (SELECT user_id FROM buyers WHERE user_id > 0))
         THEN 'NOT_A_CUSTOMER: WordPress user with role ' || coalesce(nullif(array_to_string(c.roles, ', '), ''), '(none)')
              || ', no orders and no WooCommerce customer record' END AS _skip
FROM c
