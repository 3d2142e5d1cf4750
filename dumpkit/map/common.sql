-- Macros every mapping may use. Money is exact: integer arithmetic, half-up rounding to 4 decimals.

-- an amount as DECIMAL(18,4), rounded half away from zero
CREATE OR REPLACE MACRO money(x) AS CAST(round(CAST(x AS DECIMAL(38,10)), 4) AS DECIMAL(18,4));

-- the net amount of a gross amount at a VAT rate in percent (25 -> 25 %)
CREATE OR REPLACE MACRO net(gross, rate) AS CASE WHEN gross IS NULL THEN NULL ELSE CAST(CAST(
    sign(CAST(round(CAST(gross AS DECIMAL(38,10)) * 1000000) AS HUGEINT))
    * ((2 * abs(CAST(round(CAST(gross AS DECIMAL(38,10)) * 1000000) AS HUGEINT)) * 10000
        + (10000 + CAST(round(coalesce(CAST(rate AS DECIMAL(38,10)), 0) * 100) AS HUGEINT)) * 100)
       // (2 * (10000 + CAST(round(coalesce(CAST(rate AS DECIMAL(38,10)), 0) * 100) AS HUGEINT)) * 100))
    AS DECIMAL(38,0)) * CAST(0.0001 AS DECIMAL(5,4)) AS DECIMAL(18,4)) END;

-- the price Mystore receives: net as it is, or net of a gross price when the shop enters prices with VAT
CREATE OR REPLACE MACRO net_price(price, rate, includes_tax) AS
    CAST(CASE WHEN includes_tax THEN net(price, rate) ELSE money(price) END AS DECIMAL(18,4));

-- shop-local wall-clock time to UTC: the --timezone option, else the shop's own setting, else Oslo
CREATE OR REPLACE MACRO utc(ts) AS CASE WHEN ts IS NULL THEN NULL
    ELSE timezone(coalesce(getvariable('timezone'), getvariable('shop_timezone'), 'Europe/Oslo'), CAST(ts AS TIMESTAMP)) END;

-- the value map's target for a source value (NULL when the map has no entry)
CREATE OR REPLACE MACRO map_value(m, v) AS (SELECT target FROM value_map WHERE map = m AND source = CAST(v AS VARCHAR));

-- the shop's main language is keyed 'no' in Mystore; another Norwegian code would collide with it
CREATE OR REPLACE MACRO lang_key(code) AS CASE
    WHEN lower(code) = lower(getvariable('main_language')) THEN 'no'
    WHEN lower(code) IN ('no', 'nb', 'nn') THEN 'nb'
    ELSE lower(split_part(code, '-', 1)) END;

-- empty or blank text as NULL
CREATE OR REPLACE MACRO blank_null(s) AS nullif(trim(CAST(s AS VARCHAR)), '');

-- ids as text
CREATE OR REPLACE MACRO sid(x) AS CAST(x AS VARCHAR);
