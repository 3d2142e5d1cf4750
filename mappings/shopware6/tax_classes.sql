-- entity: tax_classes
-- reads: tax, tax_rule, tax_rule_type
-- A Shopware tax (Standard rate, Reduced rate) is a tax class. Its rate is the tax rule for the
-- shop's country (the storefront's country; a rule for the whole country before rules for states
-- or postcodes, the newest rule in force when 6.5+ dates them), else the tax's own rate.
-- Mystore only knows the Norwegian rates (25, 15, 12, 11.11, 0): any other positive rate (a shop
-- set up for Germany: 19 %, 7 %) becomes the standard 25 % with a warning; the class keeps the
-- source name, so the owner sees what it was.
WITH rules AS (
    SELECT r.tax_id, r.tax_rate,
           row_number() OVER (PARTITION BY r.tax_id
                              ORDER BY coalesce(rt.technical_name = 'entire_country', false) DESC,
                                       (r.active_from IS NULL OR r.active_from <= now()) DESC, r.active_from DESC NULLS LAST,
                                       r.created_at, r.id) AS pick
    FROM src.tax_rule r
    LEFT JOIN src.tax_rule_type rt ON rt.id = r.tax_rule_type_id
    WHERE r.country_id = getvariable('shop_country_id')
),
classes AS (
    SELECT
        lower(hex(t.id)) AS source_id,
        blank_null(t.name) AS title,
        CAST(coalesce(r.tax_rate, t.tax_rate) AS DECIMAL(9,3)) AS rate,
        timezone('UTC', CAST(t.created_at AS TIMESTAMP)) AS created_at,
        timezone('UTC', CAST(t.updated_at AS TIMESTAMP)) AS updated_at
    FROM src.tax t
    LEFT JOIN rules r ON r.tax_id = t.id AND r.pick = 1
)
SELECT
    source_id,
    coalesce(title, 'MVA ' || rtrim(rtrim(CAST(rate AS VARCHAR), '0'), '.') || '%') AS title,
    coalesce(title, 'MVA ' || rtrim(rtrim(CAST(rate AS VARCHAR), '0'), '.') || '%') AS description,
    CAST(CASE WHEN rate IS NULL OR rate = 0 THEN 0
              WHEN rate IN (25, 15, 12, 11.11) THEN rate
              ELSE 25 END AS DECIMAL(5,2)) AS tax_rate,
    created_at,
    updated_at,
    CASE WHEN rate <> 0 AND rate NOT IN (25, 15, 12, 11.11)
         THEN 'tax_rate@VAT_RATE_NOT_NORWEGIAN: source rate ' || rtrim(rtrim(CAST(rate AS VARCHAR), '0'), '.')
              || ' % is not a Norwegian VAT rate; set to the standard rate 25 %' END AS _warn
FROM classes
