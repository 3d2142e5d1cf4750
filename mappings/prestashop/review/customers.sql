-- PrestaShop customers as the shop holds them, with every live address of the address book
-- (oldest first: the first becomes Mystore's main address)
SELECT
    CAST(c.id_customer AS VARCHAR) AS source_id,
    c.is_guest = 1 AS is_guest,
    c.email AS email,
    c.firstname AS name,
    c.lastname AS lastname,
    CASE c.id_gender WHEN 1 THEN 'm' WHEN 2 THEN 'f' END AS gender,
    c.birthday AS dob,
    c.newsletter = 1 AS newsletter,
    (SELECT coalesce(nullif(a.phone, ''), a.phone_mobile) FROM src.address a
      WHERE a.id_customer = c.id_customer AND a.deleted = 0 ORDER BY a.id_address LIMIT 1) AS phone,
    (SELECT list({'kind': 'address', 'alias': a.alias, 'name': concat_ws(' ', a.firstname, a.lastname), 'company': a.company,
                  'street': concat_ws(', ', nullif(a.address1, ''), nullif(a.address2, '')), 'zipcode': a.postcode, 'city': a.city,
                  'region': st.name, 'country': co.iso_code, 'phone': coalesce(nullif(a.phone, ''), a.phone_mobile)} ORDER BY a.id_address)
       FROM src.address a
       LEFT JOIN src.country co ON co.id_country = a.id_country
       LEFT JOIN src.state st ON st.id_state = a.id_state
      WHERE a.id_customer = c.id_customer AND a.deleted = 0) AS addresses,
    utc(c.date_add) AS created_at
FROM src.customer c
