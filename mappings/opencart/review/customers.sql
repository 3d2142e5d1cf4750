-- OpenCart customers as the shop holds them, with the address book (the default address first)
WITH c AS (
    SELECT * FROM (SELECT NULL::BIGINT AS address_id, NULL::BIGINT AS newsletter WHERE false) UNION ALL BY NAME SELECT * FROM src.customer
)
SELECT
    CAST(c.customer_id AS VARCHAR) AS source_id,
    false AS is_guest,
    c.email AS email,
    c.firstname AS name,
    c.lastname AS lastname,
    c.telephone AS phone,
    c.newsletter = 1 AS newsletter,
    (SELECT list({'kind': 'address', 'name': concat_ws(' ', a.firstname, a.lastname), 'company': a.company,
                  'street': concat_ws(', ', nullif(a.address_1, ''), nullif(a.address_2, '')), 'zipcode': a.postcode, 'city': a.city,
                  'region': z.name, 'country': co.iso_code_2}
                 ORDER BY (a.address_id = c.address_id) DESC, a.address_id)
       FROM src.address a
       LEFT JOIN src.country co ON co.country_id = a.country_id
       LEFT JOIN src.zone z ON z.zone_id = a.zone_id
      WHERE a.customer_id = c.customer_id) AS addresses,
    utc(c.date_added) AS created_at
FROM c
