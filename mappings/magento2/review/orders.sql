-- Magento order fields (sales_order, its billing address and payment) as the shop holds them
SELECT
    CAST(o.entity_id AS VARCHAR) AS source_id,
    o.increment_id AS reference,
    CAST(o.customer_id AS VARCHAR) AS customer_source_id,
    o.status AS order_status,
    concat_ws(' ', a.firstname, a.lastname) AS customer_address_name,
    o.customer_email AS customer_address_email,
    a.country_id AS customer_address_country,
    p.method AS payment_module,
    o.shipping_description AS shipping_method,
    o.order_currency_code AS currency,
    o.base_to_order_rate AS currency_value,
    o.created_at AS created_at
FROM src.sales_order o
LEFT JOIN src.sales_order_address a ON a.parent_id = o.entity_id AND a.address_type = 'billing'
LEFT JOIN (SELECT parent_id, min(method) AS method FROM src.sales_order_payment GROUP BY parent_id) p ON p.parent_id = o.entity_id
