-- OpenCart customer fields (and the default address) as the shop holds them
SELECT
    CAST(c.customer_id AS VARCHAR) AS source_id,
    c.email AS email,
    c.firstname AS name,
    c.lastname AS lastname,
    c.telephone AS phone,
    c.newsletter AS newsletter,
    a.firstname AS address_name,
    a.lastname AS address_lastname,
    a.company AS address_company,
    concat_ws(' / ', nullif(a.address_1, ''), nullif(a.address_2, '')) AS address_address,
    a.postcode AS address_zipcode,
    a.city AS address_city,
    z.name AS address_region,
    co.iso_code_2 AS address_country,
    c.date_added AS created_at
FROM (SELECT * FROM (SELECT NULL::BIGINT AS address_id, NULL::BIGINT AS newsletter WHERE false)
      UNION ALL BY NAME SELECT * FROM src.customer) c
LEFT JOIN (SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY address_id) AS n FROM src.address) a
       ON a.customer_id = c.customer_id AND (a.address_id = c.address_id OR (c.address_id IS NULL AND a.n = 1))
LEFT JOIN src.country co ON co.country_id = a.country_id
LEFT JOIN src.zone z ON z.zone_id = a.zone_id
