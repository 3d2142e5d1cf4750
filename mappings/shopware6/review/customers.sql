-- Shopware customer fields (and the default shipping address) as the shop holds them
SELECT
    lower(hex(c.id)) AS source_id,
    c.guest AS is_guest,
    c.email AS email,
    c.first_name AS name,
    c.last_name AS lastname,
    c.birthday AS dob,
    a.first_name AS address_name,
    a.last_name AS address_lastname,
    a.company AS address_company,
    concat_ws(' / ', nullif(a.street, ''), nullif(a.additional_address_line1, '')) AS address_address,
    a.zipcode AS address_zipcode,
    a.city AS address_city,
    co.iso AS address_country,
    a.phone_number AS phone,
    c.created_at AS created_at
FROM src.customer c
LEFT JOIN src.customer_address a ON a.id = c.default_shipping_address_id
LEFT JOIN src.country co ON co.id = a.country_id
