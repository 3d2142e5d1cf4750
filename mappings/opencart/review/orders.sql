-- OpenCart orders as the shop holds them: status name, the customer, the payment and shipping
-- addresses (the country as its ISO code), payment and shipping methods, the currency the customer saw
SELECT
    CAST(o.order_id AS VARCHAR) AS source_id,
    CAST(o.order_id AS VARCHAR) AS reference,
    utc(o.date_added) AS created_at,
    (SELECT s.name FROM src.order_status s WHERE s.order_status_id = o.order_status_id
      ORDER BY (s.language_id = getvariable('main_language_id')) DESC LIMIT 1) AS order_status,
    concat_ws(' ', o.firstname, o.lastname) AS customer,
    o.email AS customer_email,
    o.telephone AS phone,
    o.payment_method AS payment_method,
    o.shipping_method AS shipping_method,
    o.currency_code AS currency,
    [{'kind': 'billing', 'name': concat_ws(' ', o.payment_firstname, o.payment_lastname), 'company': o.payment_company,
      'street': concat_ws(', ', nullif(o.payment_address_1, ''), nullif(o.payment_address_2, '')), 'zipcode': o.payment_postcode,
      'city': o.payment_city, 'region': o.payment_zone,
      'country': coalesce((SELECT c.iso_code_2 FROM src.country c WHERE c.country_id = o.payment_country_id), o.payment_country)},
     {'kind': 'shipping', 'name': concat_ws(' ', o.shipping_firstname, o.shipping_lastname), 'company': o.shipping_company,
      'street': concat_ws(', ', nullif(o.shipping_address_1, ''), nullif(o.shipping_address_2, '')), 'zipcode': o.shipping_postcode,
      'city': o.shipping_city, 'region': o.shipping_zone,
      'country': coalesce((SELECT c.iso_code_2 FROM src.country c WHERE c.country_id = o.shipping_country_id), o.shipping_country)}] AS addresses
FROM src."order" o
