-- The VAT rate of each product tax class for the shop's country (shop_tax_country) and its default customer
-- tax class (Retail Customer): the rate of the class's tax rule for that country, a country-wide rate (no
-- region, postcode '*') before a region's or a postcode's, then by the rule's priority and position.
SELECT c.product_tax_class_id AS class_id, r.rate, r.code,
       r.tax_region_id = 0 AND coalesce(blank_null(r.tax_postcode), '*') = '*' AS country_wide
FROM src.tax_calculation c
JOIN src.tax_calculation_rate r ON r.tax_calculation_rate_id = c.tax_calculation_rate_id
JOIN src.tax_calculation_rule u ON u.tax_calculation_rule_id = c.tax_calculation_rule_id
WHERE upper(r.tax_country_id) = getvariable('shop_tax_country') AND c.customer_tax_class_id = getvariable('customer_tax_class')
QUALIFY row_number() OVER (PARTITION BY c.product_tax_class_id
                           ORDER BY country_wide DESC, u.priority, u.position, r.tax_calculation_rate_id) = 1
