-- PrestaShop customer fields (and the first live address) as the shop holds them
SELECT
    CAST(c.id_customer AS VARCHAR) AS source_id,
    c.is_guest AS is_guest,
    c.email AS email,
    c.firstname AS name,
    c.lastname AS lastname,
    c.birthday AS dob,
    c.newsletter AS newsletter,
    a.firstname AS address_name,
    a.lastname AS address_lastname,
    a.company AS address_company,
    concat_ws(' / ', nullif(a.address1, ''), nullif(a.address2, '')) AS address_address,
    a.postcode AS address_zipcode,
    a.city AS address_city,
    co.iso_code AS address_country,
    coalesce(nullif(a.phone, ''), a.phone_mobile) AS phone,
    c.date_add AS created_at
FROM src.customer c
LEFT JOIN (SELECT *, row_number() OVER (PARTITION BY id_customer ORDER BY id_address) AS n
           FROM src.address WHERE deleted = 0 AND id_customer > 0) a ON a.id_customer = c.id_customer AND a.n = 1
LEFT JOIN src.country co ON co.id_country = a.id_country
