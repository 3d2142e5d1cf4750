-- Shopware order fields as the shop holds them (live version)
SELECT
    lower(hex(o.id)) AS source_id,
    o.order_number AS reference,
    lower(hex(oc.customer_id)) AS customer_source_id,
    s.technical_name AS order_status,
    concat_ws(' ', oc.first_name, oc.last_name) AS customer_address_name,
    oc.email AS customer_address_email,
    cu.iso_code AS currency,
    o.currency_factor AS currency_value,
    json_extract_string(o.price, '$.totalPrice') AS total,
    o.order_date_time AS created_at
FROM src."order" o
LEFT JOIN src.order_customer oc ON oc.order_id = o.id AND oc.order_version_id = o.version_id
LEFT JOIN src.state_machine_state s ON s.id = o.state_id
LEFT JOIN src.currency cu ON cu.id = o.currency_id
WHERE o.version_id = getvariable('live_version')
