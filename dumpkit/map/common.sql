-- Macros every mapping may use. Money is exact: integer arithmetic, half-up rounding to 4 decimals.
-- DuckDB divides decimals in floating point (DECIMAL / DECIMAL is a DOUBLE, and 11.90 x 1.15 = 13.684999...):
-- money is never divided with `/` in a mapping, only through div4(), net() and gross() here.
-- tests/test_money_types.py fails when a DOUBLE reaches one of these macros or a money field.

-- an amount as DECIMAL(18,4), rounded half away from zero (x a decimal or an integer, never a DOUBLE)
CREATE OR REPLACE MACRO money(x) AS CAST(round(x, 4) AS DECIMAL(18,4));

-- a source amount as an integer of 10^-8 units, and a / b of two such integers rounded half away from zero
CREATE OR REPLACE MACRO scaled_int(x) AS CAST(round(CAST(x AS DECIMAL(38,10)) * 100000000) AS HUGEINT);
CREATE OR REPLACE MACRO div_int(a, b) AS sign(a) * sign(b) * ((2 * abs(a) + abs(b)) // (2 * abs(b)));

-- a / b exactly, half away from zero to 4 decimals (NULL when b is 0 or NULL). Dividing by 1 (an order in
-- the shop's own currency: most of them) is money(a), without the HUGEINT arithmetic: half the time of
-- the order mappings on a big shop (tests/test_money_types.py holds the two ways to the same result)
CREATE OR REPLACE MACRO div4(a, b) AS CASE WHEN b = 1 THEN money(a) WHEN a IS NULL OR b IS NULL OR scaled_int(b) = 0 THEN NULL
    ELSE CAST(CAST(div_int(scaled_int(a) * 10000, scaled_int(b)) AS DECIMAL(38,0)) * CAST(0.0001 AS DECIMAL(5,4)) AS DECIMAL(18,4)) END;

-- the gross amount of a net amount at a VAT rate in percent, to the øre as a shop shows it (exact, half up)
CREATE OR REPLACE MACRO gross(net_amount, rate) AS CASE WHEN net_amount IS NULL OR rate IS NULL THEN NULL ELSE CAST(round(
    CAST(net_amount AS DECIMAL(38,10)) * (CAST(100 AS DECIMAL(9,4)) + CAST(rate AS DECIMAL(9,4))) * CAST(0.01 AS DECIMAL(3,2)), 2)
    AS DECIMAL(18,4)) END;

-- an amount in NOK at a rate (NOK for one unit of the amount's currency), exact, half up to 4 decimals
CREATE OR REPLACE MACRO at_rate(x, rate) AS CAST(round(CAST(x AS DECIMAL(18,4)) * CAST(rate AS DECIMAL(20,10)), 4) AS DECIMAL(18,4));

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

-- a language code's ISO 639-1 part ('nb-NO', 'nb_NO' -> 'nb')
CREATE OR REPLACE MACRO lang_iso(code) AS lower(split_part(replace(trim(code), '_', '-'), '-', 1));

-- the package key of a source language: Mystore's 'no' for Norwegian (the language map/languages.py
-- chose, variable no_language: the shop's Norwegian, else its main language), the ISO code for the
-- others; a second Norwegian code that was not chosen ('no' next to 'nb') becomes 'nb'
CREATE OR REPLACE MACRO lang_key(code) AS CASE
    WHEN lower(trim(code)) = lower(trim(getvariable('no_language'))) THEN 'no'
    WHEN lang_iso(code) IN ('no', 'nob', 'nor') THEN 'nb'
    WHEN lang_iso(code) = 'nno' THEN 'nn'
    ELSE lang_iso(code) END;

-- an account that stands for anonymised customers, not a customer: PrestaShop's GDPR module (psgdpr) moves
-- the orders of every erased customer to 'anonymous@psgdpr.com' (older: 'anonymous@anonymous.com', PrestaShop's
-- legal assistant: 'noremove@pslegalassistant.com'); WordPress's eraser writes 'deleted@site.invalid'
CREATE OR REPLACE MACRO placeholder_account(email) AS lower(trim(email)) IN (
    'anonymous@psgdpr.com', 'anonymous@anonymous.com', 'noremove@pslegalassistant.com', 'deleted@site.invalid');

-- empty or blank text as NULL
CREATE OR REPLACE MACRO blank_null(s) AS nullif(trim(CAST(s AS VARCHAR)), '');

-- ids as text
CREATE OR REPLACE MACRO sid(x) AS CAST(x AS VARCHAR);

-- The one description rule (every platform's products): the long description, with the short one as
-- its first paragraph when its text is not already in the long one. In SQL, not Python: a shop's
-- descriptions are long HTML, and a Python function per row was most of the products mapping.
-- Whitespace is Python's (str.isspace), so the rule reads as tests/test_description.py's reference.
CREATE OR REPLACE MACRO space_chars() AS chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(28) || chr(29) || chr(30)
    || chr(31) || chr(32) || chr(133) || chr(160) || chr(5760) || chr(8192) || chr(8193) || chr(8194) || chr(8195) || chr(8196)
    || chr(8197) || chr(8198) || chr(8199) || chr(8200) || chr(8201) || chr(8202) || chr(8232) || chr(8233) || chr(8239)
    || chr(8287) || chr(12288);

-- the text of HTML: tags become spaces, runs of whitespace one space, trimmed (the pattern leaves a
-- single space alone: replacing every space was most of the function's time)
CREATE OR REPLACE MACRO strip_tags(html) AS trim(regexp_replace(regexp_replace(html, '<[^>]+>', ' ', 'g'),
    '[ \t\n\x{0B}\f\r\x{1C}-\x{1F}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]{2,}'
    '|[\t\n\x{0B}\f\r\x{1C}-\x{1F}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]', ' ', 'g'));

-- whether s has a character that is not whitespace (Python: s.strip() is not empty)
CREATE OR REPLACE MACRO has_text(s) AS regexp_matches(s,
    '[^ \t\n\x{0B}\f\r\x{1C}-\x{1F}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]');

-- long and short: NULL when blank, CRLF as LF, the short one trimmed
CREATE OR REPLACE MACRO _description(long, short) AS CASE
    WHEN short IS NULL OR long IS NULL THEN coalesce(long, short)
    WHEN contains(strip_tags(long), strip_tags(short)) THEN long
    -- a short text that is a block already (<p>, <ul>, <h2>...) is not wrapped in <p>
    ELSE CASE WHEN regexp_matches(short, '^<[\t\n\x{0B}\f\r\x{1C}-\x{1F}\x{85}\p{Z}]*(p|div|ul|ol|li|h[1-6]|table|blockquote|pre|section|figure|hr|form|dl|address)(?:[^\p{L}\p{N}_]|$)', 'i')
              THEN short ELSE '<p>' || short || '</p>' END || chr(10) || long END;
CREATE OR REPLACE MACRO description_html(long, short) AS _description(
    CASE WHEN has_text(long) THEN replace(long, chr(13) || chr(10), chr(10)) END,
    CASE WHEN has_text(short) THEN trim(replace(short, chr(13) || chr(10), chr(10)), space_chars()) END);
