-- Magento customer fields (customer_entity) and the default shipping address as the shop holds them
SELECT
    CAST(c.entity_id AS VARCHAR) AS source_id,
    c.email AS email,
    c.firstname AS name,
    c.lastname AS lastname,
    c.dob AS dob,
    a.firstname AS address_name,
    a.lastname AS address_lastname,
    a.company AS address_company,
    a.street AS address_address,
    a.postcode AS address_zipcode,
    a.city AS address_city,
    a.country_id AS address_country,
    a.telephone AS phone,
    c.created_at AS created_at
FROM src.customer_entity c
LEFT JOIN src.customer_address_entity a ON a.entity_id = coalesce(c.default_shipping, c.default_billing)
