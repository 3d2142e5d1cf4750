-- Every address in one shape: a customer's address book (customer_address_entity, kind 'customer', owner =
-- the customer) and an order's addresses (sales_order_address, kind 'order', owner = the order, address_type
-- billing or shipping). Both tables have the same columns. Street lines (Magento keeps them in one field,
-- separated by line breaks) are joined with ', '; Norwegian phone numbers become +47 and 8 digits, Norwegian
-- postcodes 4 digits with their leading zero. `fingerprint` is what makes two addresses the same on a letter.
WITH addresses AS (
    SELECT 'customer' AS kind, entity_id AS id, parent_id AS owner, NULL::VARCHAR AS address_type, NULL::VARCHAR AS email,
           firstname, lastname, company, street, postcode, city, region, country_id, telephone, vat_id
    FROM src.customer_address_entity
    UNION ALL
    SELECT 'order', entity_id, parent_id, address_type, email,
           firstname, lastname, company, street, postcode, city, region, country_id, telephone, vat_id
    FROM src.sales_order_address
),
cleaned AS (
    SELECT kind, id, owner, address_type, lower(trim(email)) AS email,
           blank_null(firstname) AS name, blank_null(lastname) AS lastname, blank_null(company) AS company,
           nullif(array_to_string(list_filter(list_transform(string_split(replace(coalesce(street, ''), chr(13), ''), chr(10)),
                                                             lambda l: trim(l)), lambda l: l <> ''), ', '), '') AS address,
           blank_null(postcode) AS raw_zipcode, blank_null(city) AS city, blank_null(region) AS region,
           upper(blank_null(country_id)) AS country, blank_null(telephone) AS raw_phone, blank_null(vat_id) AS vat_id,
           regexp_replace(coalesce(telephone, ''), '[\s\-.()/]', '', 'g') AS phone_digits
    FROM addresses
)
SELECT kind, id, owner, address_type, email, name, lastname, company, address, city, region, country, vat_id,
       CASE WHEN country = 'NO' AND regexp_matches(regexp_replace(raw_zipcode, '\s', '', 'g'), '^[0-9]{3,4}$')
            THEN lpad(regexp_replace(raw_zipcode, '\s', '', 'g'), 4, '0') ELSE raw_zipcode END AS zipcode,
       CASE WHEN country = 'NO' AND regexp_matches(phone_digits, '^(\+47|0047)?[0-9]{8}$')
            THEN '+47' || right(phone_digits, 8) ELSE raw_phone END AS phone,
       -- a Norwegian org.nr only (9 digits once 'NO', 'MVA', spaces and dots are gone)
       CASE WHEN regexp_matches(regexp_replace(upper(coalesce(vat_id, '')), '^NO|MVA$|[\s.]', '', 'g'), '^[0-9]{9}$')
            THEN regexp_replace(upper(vat_id), '^NO|MVA$|[\s.]', '', 'g') END AS company_number,
       concat_ws('|', name, lastname, company, address, raw_zipcode, city, region, country) AS fingerprint
FROM cleaned
