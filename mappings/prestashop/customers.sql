-- entity: customers
-- reads: customer, address, country, state, gender, orders, guest, connections
-- Every customer row of the shop, guest accounts included (PrestaShop makes a customer row with
-- is_guest = 1 for a guest checkout; it keeps its id and is_guest is true). Deleted customers
-- (deleted = 1) are left out; their orders become guest orders (refine attaches them by e-mail).
-- Addresses: the customer's first address that is not deleted is the main address; the invoice
-- address of the customer's latest order is the billing address when it says something else;
-- every other live address goes to extra_addresses (JSON). The company number (a Norwegian
-- org.nr, refine checks it) is the customer's SIRET field, else the address's VAT number, for
-- Norwegian addresses only: a foreign VAT number is no org.nr (it stays in extra_addresses
-- only for extra addresses).
-- Phones: Norwegian numbers become +47 and 8 digits.
WITH addr AS (
    SELECT a.id_address, a.id_customer, a.deleted, a.date_add,
           blank_null(a.firstname) AS name, blank_null(a.lastname) AS lastname,
           blank_null(a.company) AS company,
           blank_null(a.vat_number) AS vat_number,
           nullif(concat_ws(', ', blank_null(a.address1), blank_null(a.address2)), '') AS address,
           blank_null(a.postcode) AS zipcode,
           blank_null(a.city) AS city,
           blank_null(st.name) AS state,
           upper(blank_null(co.iso_code)) AS country,
           coalesce(blank_null(a.phone), blank_null(a.phone_mobile)) AS raw_phone
    FROM src.address a
    LEFT JOIN src.country co ON co.id_country = a.id_country
    LEFT JOIN src.state st ON st.id_state = a.id_state AND a.id_state > 0
    WHERE a.id_customer > 0
),
addr2 AS (
    SELECT *,
           CASE WHEN country = 'NO' AND regexp_matches(regexp_replace(raw_phone, '[\s\-.()/]', '', 'g'), '^(\+47|0047)?[0-9]{8}$')
                THEN '+47' || right(regexp_replace(raw_phone, '[\s\-.()/]', '', 'g'), 8)
                ELSE raw_phone END AS phone,
           -- what makes two addresses the same for a letter
           concat_ws('|', name, lastname, company, address, zipcode, city, state, country) AS fingerprint
    FROM addr
),
main AS (
    SELECT *, row_number() OVER (PARTITION BY id_customer ORDER BY id_address) AS n
    FROM addr2 WHERE deleted = 0
),
last_invoice AS (
    SELECT o.id_customer, o.id_address_invoice,
           row_number() OVER (PARTITION BY o.id_customer ORDER BY o.date_add DESC, o.id_order DESC) AS n
    FROM src.orders o
    WHERE o.id_shop = getvariable('shop_id')
),
billing AS (
    SELECT li.id_customer, b.*
    FROM last_invoice li
    JOIN addr2 b ON b.id_address = li.id_address_invoice
    LEFT JOIN main m ON m.id_customer = li.id_customer AND m.n = 1
    WHERE li.n = 1 AND b.fingerprint IS DISTINCT FROM m.fingerprint
),
extras AS (
    SELECT e.id_customer,
           to_json(list({'source_id': sid(e.id_address), 'name': e.name, 'lastname': e.lastname, 'company': e.company,
                         'company_number': e.vat_number, 'address': e.address, 'zipcode': e.zipcode, 'city': e.city,
                         'state': e.state, 'country': e.country, 'phone': e.phone} ORDER BY e.id_address)) AS json
    FROM main e
    WHERE e.n > 1
      AND e.id_address NOT IN (SELECT b.id_address FROM billing b WHERE b.id_customer = e.id_customer)
    GROUP BY e.id_customer
),
logins AS (
    SELECT g.id_customer, max(cn.date_add) AS last_login
    FROM src.connections cn JOIN src.guest g ON g.id_guest = cn.id_guest
    WHERE g.id_customer > 0
    GROUP BY g.id_customer
),
shop_orders AS (
    SELECT DISTINCT id_customer FROM src.orders WHERE id_shop = getvariable('shop_id')
)
SELECT
    sid(c.id_customer) AS source_id,
    c.is_guest = 1 AS is_guest,
    lower(trim(c.email)) AS email,
    coalesce(blank_null(c.firstname), m.name) AS name,
    coalesce(blank_null(c.lastname), m.lastname) AS lastname,
    CASE gd.type WHEN 0 THEN 'm' WHEN 1 THEN 'f' END AS gender,
    CAST(c.birthday AS DATE) AS dob,
    m.phone,
    c.newsletter = 1 AS newsletter,
    NULL::VARCHAR AS billing_email,
    m.name AS address_name,
    m.lastname AS address_lastname,
    coalesce(m.company, blank_null(c.company)) AS address_company,
    NULL::VARCHAR AS address_company_co,
    CASE WHEN coalesce(m.country, 'NO') = 'NO' THEN coalesce(blank_null(c.siret), m.vat_number) END AS address_company_number,
    m.address AS address_address,
    m.zipcode AS address_zipcode,
    m.city AS address_city,
    NULL::VARCHAR AS address_region,
    m.state AS address_state,
    m.country AS address_country,
    b.name AS billing_address_name,
    b.lastname AS billing_address_lastname,
    b.company AS billing_address_company,
    NULL::VARCHAR AS billing_address_company_co,
    CASE WHEN b.country = 'NO' THEN b.vat_number END AS billing_address_company_number,
    b.address AS billing_address_address,
    b.zipcode AS billing_address_zipcode,
    b.city AS billing_address_city,
    NULL::VARCHAR AS billing_address_region,
    b.state AS billing_address_state,
    b.country AS billing_address_country,
    CAST(x.json AS VARCHAR) AS extra_addresses,
    utc(lg.last_login) AS last_login,
    utc(c.date_add) AS created_at,
    utc(c.date_upd) AS updated_at,
    CASE WHEN c.deleted = 1 THEN 'DELETED_IN_SOURCE: customer is deleted in PrestaShop; their orders are kept as guest orders'
         WHEN placeholder_account(c.email)
         THEN 'PLACEHOLDER_ACCOUNT: the account anonymised customers'' orders are moved to (GDPR erasure), not a customer; its orders are kept on a guest customer'
         WHEN c.id_shop <> getvariable('shop_id') AND c.id_customer NOT IN (SELECT id_customer FROM shop_orders)
         THEN 'OTHER_SHOP: customer of another shop, without orders in the migrated shop' END AS _skip
FROM src.customer c
LEFT JOIN main m ON m.id_customer = c.id_customer AND m.n = 1
LEFT JOIN billing b ON b.id_customer = c.id_customer
LEFT JOIN extras x ON x.id_customer = c.id_customer
LEFT JOIN src.gender gd ON gd.id_gender = c.id_gender
LEFT JOIN logins lg ON lg.id_customer = c.id_customer
