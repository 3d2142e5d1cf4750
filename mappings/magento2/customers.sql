-- entity: customers
-- reads: customer_entity, customer_address_entity (shop.addresses), eav_attribute_option_value (gender),
--        newsletter_subscriber, customer_log, sales_order
-- Every customer account of the shop's website (with per-website accounts, a customer of another website is
-- another shop's unless they ordered here). Guest checkouts have no account: refine makes their customers
-- from the orders. Password hashes stay in the dump.
-- Addresses: the default shipping address is the main address (else the default billing address, else the
-- first); the default billing address is the billing address when it says something else; every other
-- address of the book goes to extra_addresses (JSON). The company number is the address's VAT number when it
-- is a Norwegian org.nr. Gender: the option's admin label (Male/Female).
WITH book AS (
    SELECT a.*, c.default_billing, c.default_shipping,
           CASE WHEN a.id = c.default_shipping THEN 0 WHEN a.id = c.default_billing THEN 1 ELSE 2 END AS rank
    FROM shop.addresses a JOIN src.customer_entity c ON c.entity_id = a.owner
    WHERE a.kind = 'customer'
),
main AS (
    SELECT * FROM book QUALIFY row_number() OVER (PARTITION BY owner ORDER BY rank, id) = 1
),
billing AS (
    SELECT b.* FROM book b JOIN main m ON m.owner = b.owner
    WHERE b.id = b.default_billing AND b.id <> m.id AND b.fingerprint IS DISTINCT FROM m.fingerprint
),
extras AS (
    SELECT e.owner,
           to_json(list({'source_id': sid(e.id), 'name': e.name, 'lastname': e.lastname, 'company': e.company,
                         'company_number': e.company_number, 'address': e.address, 'zipcode': e.zipcode, 'city': e.city,
                         'region': e.region, 'country': e.country, 'phone': e.phone} ORDER BY e.id)) AS json
    FROM book e
    WHERE e.id NOT IN (SELECT id FROM main) AND e.id NOT IN (SELECT id FROM billing)
    GROUP BY e.owner
),
genders AS (
    SELECT o.option_id, lower(v.value) AS label
    FROM src.eav_attribute_option o
    JOIN shop.attributes a ON a.attribute_id = o.attribute_id AND a.entity = 'customer' AND a.attribute_code = 'gender'
    JOIN src.eav_attribute_option_value v ON v.option_id = o.option_id AND v.store_id = 0
),
subscribed AS (
    SELECT DISTINCT customer_id FROM src.newsletter_subscriber WHERE subscriber_status = 1 AND customer_id > 0
),
logins AS (
    SELECT customer_id, max(last_login_at) AS last_login FROM src.customer_log GROUP BY customer_id
),
shop_orders AS (
    SELECT DISTINCT o.customer_id FROM src.sales_order o JOIN shop.stores s ON s.store_id = o.store_id
)
SELECT
    sid(c.entity_id) AS source_id,
    false AS is_guest,
    lower(trim(c.email)) AS email,
    coalesce(blank_null(c.firstname), m.name) AS name,
    coalesce(blank_null(c.lastname), m.lastname) AS lastname,
    CASE g.label WHEN 'male' THEN 'm' WHEN 'female' THEN 'f' END AS gender,
    CAST(c.dob AS DATE) AS dob,
    coalesce(m.phone, b.phone) AS phone,
    s.customer_id IS NOT NULL AS newsletter,
    NULL::VARCHAR AS billing_email,
    m.name AS address_name,
    m.lastname AS address_lastname,
    m.company AS address_company,
    NULL::VARCHAR AS address_company_co,
    CASE WHEN coalesce(m.country, 'NO') = 'NO' THEN coalesce(m.company_number, CASE WHEN regexp_matches(
        regexp_replace(upper(coalesce(c.taxvat, '')), '^NO|MVA$|[\s.]', '', 'g'), '^[0-9]{9}$') THEN c.taxvat END) END AS address_company_number,
    m.address AS address_address,
    m.zipcode AS address_zipcode,
    m.city AS address_city,
    NULL::VARCHAR AS address_region,
    m.region AS address_state,
    m.country AS address_country,
    b.name AS billing_address_name,
    b.lastname AS billing_address_lastname,
    b.company AS billing_address_company,
    NULL::VARCHAR AS billing_address_company_co,
    CASE WHEN b.country = 'NO' THEN b.company_number END AS billing_address_company_number,
    b.address AS billing_address_address,
    b.zipcode AS billing_address_zipcode,
    b.city AS billing_address_city,
    NULL::VARCHAR AS billing_address_region,
    b.region AS billing_address_state,
    b.country AS billing_address_country,
    CAST(x.json AS VARCHAR) AS extra_addresses,
    timezone('UTC', l.last_login) AS last_login,
    timezone('UTC', c.created_at) AS created_at,
    timezone('UTC', c.updated_at) AS updated_at,
    CASE WHEN coalesce(c.website_id, 0) NOT IN (0, getvariable('website_id'))
          AND c.entity_id NOT IN (SELECT customer_id FROM shop_orders WHERE customer_id IS NOT NULL)
         THEN 'OTHER_SHOP: customer account of another website, without orders in the migrated one' END AS _skip
FROM src.customer_entity c
LEFT JOIN main m ON m.owner = c.entity_id
LEFT JOIN billing b ON b.owner = c.entity_id
LEFT JOIN extras x ON x.owner = c.entity_id
LEFT JOIN genders g ON g.option_id = c.gender
LEFT JOIN subscribed s ON s.customer_id = c.entity_id
LEFT JOIN logins l ON l.customer_id = c.entity_id
