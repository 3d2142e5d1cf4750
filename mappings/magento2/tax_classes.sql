-- entity: tax_classes
-- reads: tax_class, tax_calculation, tax_calculation_rate, tax_calculation_rule (shop.tax_rates), catalog_product_entity_int
-- A product tax class (tax_class, class_type PRODUCT) is a tax class; its rate is the rate its tax rule gives
-- a retail customer in the shop's country (shop.tax_rates: Tax > Default Tax Destination Calculation, else
-- the store's default country). Customer tax classes are no tax classes in Mystore.
-- Mystore only knows the Norwegian rates (25, 15, 12, 11.11, 0): any other positive rate (a shop set up for
-- another country) becomes the standard 25 % with a warning; the class keeps its name, so the owner sees
-- what it was. Magento's "None" (tax_class_id 0, or no value: Magento then charges no tax) becomes the class '0'
-- at 0 % when a product uses it.
WITH classes AS (
    SELECT sid(c.class_id) AS source_id, c.class_name AS title, r.code AS rate_code, CAST(r.rate AS DECIMAL(9,3)) AS rate
    FROM src.tax_class c
    LEFT JOIN shop.tax_rates r ON r.class_id = c.class_id
    WHERE c.class_type = 'PRODUCT'
    UNION ALL
    SELECT '0', 'MVA 0%', NULL, 0
    WHERE EXISTS (SELECT 1 FROM shop.products WHERE coalesce(tax_class_id, 0) = 0)
      AND NOT EXISTS (SELECT 1 FROM src.tax_class WHERE class_id = 0)
)
SELECT
    source_id,
    coalesce(blank_null(title), 'MVA ' || source_id) AS title,
    CASE WHEN source_id = '0' AND title = 'MVA 0%' THEN 'Ingen MVA (Magento: None, or no tax class set)'
         ELSE coalesce(blank_null(title), 'MVA ' || source_id) || coalesce(' (' || rate_code || ')', '') END AS description,
    CAST(CASE WHEN rate IS NULL OR rate = 0 THEN 0
              WHEN rate IN (25, 15, 12, 11.11) THEN rate
              ELSE 25 END AS DECIMAL(5,2)) AS tax_rate,
    CASE WHEN rate IS NULL THEN 'tax_rate@NO_TAX_RATE: no tax rule gives this class a rate in the shop''s country; rate 0 %'
         WHEN rate <> 0 AND rate NOT IN (25, 15, 12, 11.11)
         THEN 'tax_rate@VAT_RATE_NOT_NORWEGIAN: source rate ' || rtrim(rtrim(CAST(rate AS VARCHAR), '0'), '.')
              || ' % is not a Norwegian VAT rate; set to the standard rate 25 %' END AS _warn
FROM classes
