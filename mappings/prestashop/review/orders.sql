-- PrestaShop orders as the shop holds them: the state's name in the main language, the customer,
-- the invoice and delivery addresses, payment, carrier and the order's currency
WITH addr AS (
    SELECT a.id_address, concat_ws(' ', a.firstname, a.lastname) AS name, a.company,
           concat_ws(', ', nullif(a.address1, ''), nullif(a.address2, '')) AS street, a.postcode AS zipcode, a.city,
           st.name AS region, co.iso_code AS country, coalesce(nullif(a.phone, ''), a.phone_mobile) AS phone
    FROM src.address a
    LEFT JOIN src.country co ON co.id_country = a.id_country
    LEFT JOIN src.state st ON st.id_state = a.id_state
)
SELECT
    CAST(o.id_order AS VARCHAR) AS source_id,
    o.reference AS reference,
    utc(o.date_add) AS created_at,
    (SELECT sl.name FROM src.order_state_lang sl WHERE sl.id_order_state = o.current_state
       AND sl.id_lang = getvariable('main_language_id')) AS order_status,
    concat_ws(' ', c.firstname, c.lastname) AS customer,
    c.email AS customer_email,
    o.payment AS payment_method,
    ca.name AS shipping_method,
    cu.iso_code AS currency,
    [{'kind': 'billing', 'name': inv.name, 'company': inv.company, 'street': inv.street, 'zipcode': inv.zipcode, 'city': inv.city,
      'region': inv.region, 'country': inv.country, 'phone': inv.phone},
     {'kind': 'shipping', 'name': del.name, 'company': del.company, 'street': del.street, 'zipcode': del.zipcode, 'city': del.city,
      'region': del.region, 'country': del.country, 'phone': del.phone}] AS addresses
FROM src.orders o
LEFT JOIN src.customer c ON c.id_customer = o.id_customer
LEFT JOIN addr inv ON inv.id_address = o.id_address_invoice
LEFT JOIN addr del ON del.id_address = o.id_address_delivery
LEFT JOIN src.carrier ca ON ca.id_carrier = o.id_carrier
LEFT JOIN src.currency cu ON cu.id_currency = o.id_currency
