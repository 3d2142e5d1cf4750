-- entity: customers
-- reads: customer, customer_address, country, country_state, country_state_translation, salutation, newsletter_recipient
-- Every customer row, guests included: Shopware makes a customer row with guest = 1 for each guest
-- checkout (is_guest is true; refine merges several with one e-mail, see map/refine.py).
-- Addresses: the default shipping address is the main address, the default billing address the
-- billing address when it says something else; the customer's other addresses go to
-- extra_addresses (JSON). Street lines: street, then the additional address lines. The company
-- number (a Norwegian org.nr, refine checks it) is the first of the customer's VAT ids, else the
-- address's VAT id (6.4), for Norwegian addresses only. Shopware keeps no phone on the customer:
-- it is the main address's (Norwegian numbers become +47 and 8 digits). Newsletter: the 6.4
-- customer flag, or an opted-in newsletter_recipient with the customer's e-mail (6.5+ keeps only
-- those). Gender from the salutation (mr, mrs). Password hashes are never read.
WITH addr AS (
    SELECT a.id, a.customer_id,
           blank_null(a.first_name) AS name, blank_null(a.last_name) AS lastname,
           blank_null(a.company) AS company,
           blank_null(a.vat_id) AS vat_id,
           nullif(concat_ws(', ', blank_null(a.street), blank_null(a.additional_address_line1), blank_null(a.additional_address_line2)), '') AS address,
           blank_null(a.zipcode) AS zipcode,
           blank_null(a.city) AS city,
           coalesce(blank_null(st.name), blank_null(s.short_code)) AS state,
           upper(blank_null(co.iso)) AS country,
           blank_null(a.phone_number) AS raw_phone,
           a.created_at
    FROM src.customer_address a
    LEFT JOIN src.country co ON co.id = a.country_id
    LEFT JOIN src.country_state s ON s.id = a.country_state_id
    LEFT JOIN src.country_state_translation st ON st.country_state_id = a.country_state_id AND st.language_id = getvariable('system_language')
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
extras AS (
    SELECT e.customer_id,
           to_json(list({'source_id': lower(hex(e.id)), 'name': e.name, 'lastname': e.lastname, 'company': e.company,
                         'company_number': e.vat_id, 'address': e.address, 'zipcode': e.zipcode, 'city': e.city,
                         'state': e.state, 'country': e.country, 'phone': e.phone} ORDER BY e.created_at, e.id)) AS json
    FROM addr2 e
    JOIN src.customer c ON c.id = e.customer_id
    WHERE e.id <> c.default_shipping_address_id AND e.id <> c.default_billing_address_id
    GROUP BY e.customer_id
),
subscribed AS (
    SELECT DISTINCT lower(trim(email)) AS email FROM src.newsletter_recipient
    WHERE status IN ('optIn', 'direct')
)
SELECT
    lower(hex(c.id)) AS source_id,
    coalesce(c.guest = 1, false) AS is_guest,
    lower(trim(c.email)) AS email,
    coalesce(blank_null(c.first_name), m.name) AS name,
    coalesce(blank_null(c.last_name), m.lastname) AS lastname,
    CASE sa.salutation_key WHEN 'mr' THEN 'm' WHEN 'mrs' THEN 'f' END AS gender,
    CAST(c.birthday AS DATE) AS dob,
    coalesce(m.phone, b.phone) AS phone,
    coalesce(c.newsletter = 1, false) OR lower(trim(c.email)) IN (SELECT email FROM subscribed) AS newsletter,
    NULL::VARCHAR AS billing_email,
    m.name AS address_name,
    m.lastname AS address_lastname,
    coalesce(m.company, blank_null(c.company)) AS address_company,
    NULL::VARCHAR AS address_company_co,
    CASE WHEN coalesce(m.country, 'NO') = 'NO' THEN coalesce(blank_null(json_extract_string(c.vat_ids, '$[0]')), m.vat_id) END AS address_company_number,
    m.address AS address_address,
    m.zipcode AS address_zipcode,
    m.city AS address_city,
    NULL::VARCHAR AS address_region,
    m.state AS address_state,
    m.country AS address_country,
    bb.name AS billing_address_name,
    bb.lastname AS billing_address_lastname,
    bb.company AS billing_address_company,
    NULL::VARCHAR AS billing_address_company_co,
    CASE WHEN bb.country = 'NO' THEN coalesce(blank_null(json_extract_string(c.vat_ids, '$[0]')), bb.vat_id) END AS billing_address_company_number,
    bb.address AS billing_address_address,
    bb.zipcode AS billing_address_zipcode,
    bb.city AS billing_address_city,
    NULL::VARCHAR AS billing_address_region,
    bb.state AS billing_address_state,
    bb.country AS billing_address_country,
    CAST(x.json AS VARCHAR) AS extra_addresses,
    timezone('UTC', CAST(c.last_login AS TIMESTAMP)) AS last_login,
    timezone('UTC', CAST(c.created_at AS TIMESTAMP)) AS created_at,
    timezone('UTC', CAST(c.updated_at AS TIMESTAMP)) AS updated_at
FROM src.customer c
LEFT JOIN addr2 m ON m.id = c.default_shipping_address_id
LEFT JOIN addr2 b ON b.id = c.default_billing_address_id
LEFT JOIN addr2 bb ON bb.id = c.default_billing_address_id AND bb.fingerprint IS DISTINCT FROM m.fingerprint
LEFT JOIN extras x ON x.customer_id = c.id
LEFT JOIN src.salutation sa ON sa.id = c.salutation_id
