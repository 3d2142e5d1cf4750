-- entity: tax_classes
-- reads: tax_class, tax_rule, tax_rate, zone_to_geo_zone, tax_rate_to_customer_group, product
-- A tax class is taxed by every tax rule whose rate's geo zone holds the shop's country (whole
-- country, zone 0, or the shop's own zone) and applies to the default customer group: that is
-- what OpenCart charges a customer in the shop's country. Percent rates ('P') add up; fixed
-- amounts ('F', e.g. an eco tax per item) have no place in Mystore and are reported.
-- Mystore takes only Norwegian VAT rates: another rate goes through [value_maps.tax_rate] or
-- becomes 25 % (0 stays 0), with a warning.
-- Products with tax_class_id 0 ("--- None ---") are sold without VAT: they get the extra class
-- 'dumpkit:no-tax' at 0 %.
WITH store_geo_zones AS (
    SELECT DISTINCT geo_zone_id FROM src.zone_to_geo_zone
    WHERE country_id = getvariable('store_country_id')
      AND coalesce(zone_id, 0) IN (0, coalesce(getvariable('store_zone_id'), 0))
),
rates AS (
    -- one row per class and rate (a rate reached through several rules counts once)
    SELECT DISTINCT r.tax_class_id, t.tax_rate_id, t.name, CAST(t.rate AS DECIMAL(15,4)) AS rate, upper(t.type) AS type
    FROM src.tax_rule r JOIN src.tax_rate t ON t.tax_rate_id = r.tax_rate_id
    WHERE t.geo_zone_id IN (SELECT geo_zone_id FROM store_geo_zones)
      AND (NOT EXISTS (SELECT 1 FROM src.tax_rate_to_customer_group)
           OR t.tax_rate_id IN (SELECT tax_rate_id FROM src.tax_rate_to_customer_group
                                WHERE customer_group_id = getvariable('default_customer_group_id')))
),
per_class AS (
    SELECT tax_class_id,
           sum(rate) FILTER (WHERE type = 'P') AS percent,
           string_agg(name || ' (' || CAST(rate AS DECIMAL(15,2)) || ')', ', ' ORDER BY tax_rate_id) FILTER (WHERE type = 'F') AS fixed
    FROM rates GROUP BY tax_class_id
),
classes AS (
    SELECT c.tax_class_id, c.title, c.description, c.date_added, c.date_modified,
           coalesce(p.percent, 0) AS percent, p.fixed, p.tax_class_id IS NULL AS no_rate,
           -- the rate as a person writes it: 20.0000 -> '20', 17.5000 -> '17.5'
           regexp_replace(regexp_replace(CAST(CAST(coalesce(p.percent, 0) AS DECIMAL(7,2)) AS VARCHAR), '0+$', ''), '\.$', '') AS rate_text
    FROM src.tax_class c LEFT JOIN per_class p ON p.tax_class_id = c.tax_class_id
),
mapped AS (
    SELECT *,
           CAST(coalesce(map_value('tax_rate', rate_text),
                         CASE WHEN percent IN (25, 15, 12, 11.11, 0) THEN CAST(percent AS VARCHAR) END,
                         CASE WHEN percent > 0 THEN '25' ELSE '0' END) AS DECIMAL(5,2)) AS tax_rate,
           map_value('tax_rate', rate_text) IS NULL AND percent NOT IN (25, 15, 12, 11.11, 0) AS converted
    FROM classes
)
SELECT
    sid(tax_class_id) AS source_id,
    coalesce(blank_null(html_decode(title)), 'Tax class ' || tax_class_id) AS title,
    coalesce(blank_null(html_decode(description)), blank_null(html_decode(title)), 'Tax class ' || tax_class_id) AS description,
    tax_rate,
    utc(date_added) AS created_at,
    utc(date_modified) AS updated_at,
    NULL AS _skip,
    nullif(concat_ws('|',
        CASE WHEN no_rate THEN 'tax_rate@NO_TAX_RATE: no tax rate of this class applies in the shop''s country; rate 0 %' END,
        CASE WHEN converted THEN 'tax_rate@TAX_RATE_CONVERTED: OpenCart rate ' || rate_text || ' % is not a Norwegian VAT rate; set to '
             || regexp_replace(regexp_replace(CAST(tax_rate AS VARCHAR), '0+$', ''), '\.$', '') || ' % (choose another with --value-map tax_rate)' END,
        CASE WHEN fixed IS NOT NULL THEN 'tax_rate@FIXED_TAX_DROPPED: fixed-amount tax ' || fixed || ' is not carried over (Mystore has percent rates only)' END
    ), '') AS _warn
FROM mapped
UNION ALL
SELECT 'dumpkit:no-tax', 'MVA 0%', 'Uten MVA (OpenCart: ingen avgiftsklasse)', CAST(0 AS DECIMAL(5,2)), NULL, NULL, NULL, NULL
WHERE EXISTS (SELECT 1 FROM src.product WHERE CAST(tax_class_id AS BIGINT) = 0)
