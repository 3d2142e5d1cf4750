-- entity: customers
-- reads: customer, address, country, zone
-- The customer's default address (customer.address_id; OpenCart 4: address.default) is the main
-- address; the rest of the address book goes to extra_addresses (JSON). Country is the ISO code of
-- country_id, region the zone name (only when the zone belongs to that country). OpenCart 1.5 kept
-- the company's registration number in address.company_id. custom_field, passwords and salts are
-- not carried over. Customers without an e-mail cannot log in and are left out.
WITH c AS (
    SELECT * FROM (SELECT NULL::BIGINT AS address_id, NULL::BIGINT AS newsletter, NULL::BIGINT AS status,
                          NULL::BIGINT AS approved, NULL::VARCHAR AS telephone, NULL::TIMESTAMP AS date_added WHERE false)
    UNION ALL BY NAME SELECT * FROM src.customer
),
a AS (
    SELECT a.address_id, a.customer_id,
           blank_null(html_decode(a.firstname)) AS firstname, blank_null(html_decode(a.lastname)) AS lastname,
           blank_null(html_decode(a.company)) AS company, blank_null(a.company_id) AS company_number,
           nullif(concat_ws(', ', blank_null(html_decode(a.address_1)), blank_null(html_decode(a.address_2))), '') AS street,
           blank_null(trim(a.postcode)) AS postcode, blank_null(html_decode(a.city)) AS city,
           co.iso_code_2 AS country, blank_null(co.name) AS country_name, a.country_id,
           CASE WHEN z.country_id = a.country_id THEN blank_null(html_decode(z.name)) END AS region,
           coalesce(CAST(a."default" AS INTEGER), 0) = 1 AS is_default,
           coalesce(a.zone_id, 0) <> 0 AND z.country_id IS DISTINCT FROM a.country_id AS zone_mismatch
    FROM (SELECT NULL::BIGINT AS address_id, NULL::VARCHAR AS company_id, NULL::BIGINT AS "default" WHERE false
          UNION ALL BY NAME SELECT * FROM src.address) a
    LEFT JOIN src.country co ON co.country_id = a.country_id
    LEFT JOIN src.zone z ON z.zone_id = a.zone_id
),
main_address AS (
    SELECT c.customer_id, a.*,
           row_number() OVER (PARTITION BY c.customer_id
                              ORDER BY (a.address_id = c.address_id) DESC, a.is_default DESC, a.address_id) AS pick
    FROM c JOIN a ON a.customer_id = c.customer_id
),
extra AS (
    SELECT customer_id,
           to_json(list({'source_id': sid(address_id), 'name': firstname, 'lastname': lastname, 'company': company,
                         'company_number': company_number, 'address': street, 'zipcode': postcode, 'city': city,
                         'region': region, 'country': country} ORDER BY address_id))::VARCHAR AS addresses
    FROM main_address WHERE pick > 1 GROUP BY customer_id
)
SELECT
    sid(c.customer_id) AS source_id,
    false AS is_guest,
    lower(trim(c.email)) AS email,
    coalesce(blank_null(html_decode(c.firstname)), m.firstname, '') AS name,
    coalesce(blank_null(html_decode(c.lastname)), m.lastname, '') AS lastname,
    CAST(NULL AS VARCHAR) AS gender,
    CAST(NULL AS DATE) AS dob,
    blank_null(c.telephone) AS phone,
    coalesce(CAST(c.newsletter AS INTEGER), 0) = 1 AS newsletter,
    CAST(NULL AS VARCHAR) AS billing_email,
    m.firstname AS address_name,
    m.lastname AS address_lastname,
    m.company AS address_company,
    CAST(NULL AS VARCHAR) AS address_company_co,
    m.company_number AS address_company_number,
    m.street AS address_address,
    m.postcode AS address_zipcode,
    m.city AS address_city,
    m.region AS address_region,
    CAST(NULL AS VARCHAR) AS address_state,
    m.country AS address_country,
    -- OpenCart has one address book, no separate billing address: billing = main
    CAST(NULL AS VARCHAR) AS billing_address_name, CAST(NULL AS VARCHAR) AS billing_address_lastname,
    CAST(NULL AS VARCHAR) AS billing_address_company, CAST(NULL AS VARCHAR) AS billing_address_company_co,
    CAST(NULL AS VARCHAR) AS billing_address_company_number, CAST(NULL AS VARCHAR) AS billing_address_address,
    CAST(NULL AS VARCHAR) AS billing_address_zipcode, CAST(NULL AS VARCHAR) AS billing_address_city,
    CAST(NULL AS VARCHAR) AS billing_address_region, CAST(NULL AS VARCHAR) AS billing_address_state,
    CAST(NULL AS VARCHAR) AS billing_address_country,
    e.addresses AS extra_addresses,
    CAST(NULL AS TIMESTAMPTZ) AS last_login,
    utc(c.date_added) AS created_at,
    CAST(NULL AS TIMESTAMPTZ) AS updated_at,
    CASE WHEN blank_null(c.email) IS NULL THEN 'NO_EMAIL: customer has no e-mail address; a Mystore customer logs in by e-mail'
         WHEN placeholder_account(c.email)
         THEN 'PLACEHOLDER_ACCOUNT: an account that stands for anonymised customers, not a customer; its orders are kept on a guest customer' END AS _skip,
    nullif(concat_ws('|',
        CASE WHEN m.zone_mismatch THEN 'address_region@ZONE_COUNTRY_MISMATCH: the address''s zone is not in its country; region left empty' END,
        CASE WHEN m.country_id IS NOT NULL AND m.country IS NULL AND coalesce(m.country_id, 0) <> 0
             THEN 'address_country@UNKNOWN_COUNTRY: country ' || m.country_id || ' is not in the country table' END,
        CASE WHEN coalesce(CAST(c.status AS INTEGER), 1) = 0 THEN 'CUSTOMER_DISABLED: the account is disabled in OpenCart; Mystore has no such flag' END,
        CASE WHEN coalesce(CAST(c.approved AS INTEGER), 1) = 0 THEN 'CUSTOMER_NOT_APPROVED: the account was never approved in OpenCart' END
    ), '') AS _warn
FROM c
LEFT JOIN main_address m ON m.customer_id = c.customer_id AND m.pick = 1
LEFT JOIN extra e ON e.customer_id = c.customer_id
