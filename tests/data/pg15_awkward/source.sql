DROP DATABASE IF EXISTS awkward;
DROP ROLE IF EXISTS someone;
CREATE DATABASE awkward;
\connect awkward
CREATE EXTENSION IF NOT EXISTS citext;
CREATE SCHEMA shop;
CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN public.posint AS integer CHECK (VALUE > 0);
CREATE TABLE public.things (
    id bigint PRIMARY KEY,
    t text,
    vc character varying(50),
    ch character(5),
    b boolean,
    n numeric,
    n2 numeric(12,4),
    r real,
    d double precision,
    sm smallint,
    i integer,
    ts timestamp without time zone,
    tstz timestamp with time zone,
    dt date,
    tm time without time zone,
    tmtz time with time zone,
    iv interval,
    ivd interval day to second(3),
    j json,
    jb jsonb,
    u uuid,
    ip inet,
    cidr_ cidr,
    mac macaddr,
    ia integer[],
    ta text[],
    t2 text[][],
    by bytea,
    bt bit(4),
    bv bit varying(8),
    m public.mood,
    p public.posint,
    mo money,
    ci public.citext,
    pt point,
    xm xml,
    rng int4range,
    tsv tsvector,
    "MixedCase" text,
    "sel""ect" text,
    gen text GENERATED ALWAYS AS (upper(t)) STORED
);
INSERT INTO public.things (id, t, vc, ch, b, n, n2, r, d, sm, i, ts, tstz, dt, tm, tmtz, iv, ivd, j, jb, u, ip, cidr_, mac, ia, ta, t2, by, bt, bv, m, p, mo, ci, pt, xm, rng, tsv, "MixedCase", "sel""ect") VALUES
(1, 'plain', 'x', 'ab', true, 1.5, 12.3456, 1.5, 2.25, -32768, 2147483647, '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05+02', '2024-02-29', '23:59:59.999999', '12:00:00+05:30', '1 year 2 mons 3 days 04:05:06', '1 day 02:03:04.567', '{"a": [1, 2, "x\"y"]}', '{"b": "é", "a": null}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03', '{1,2,NULL,-4}', '{"a b","c,d","","NULL",NULL,"q\"uote","back\\slash","{brace}"}', '{{a,b},{c,d}}', '\x00ff5c27', B'1010', B'101', 'happy', 7, 1234.56, 'MiXeD', '(1.5,-2)', '<a x="1">t</a>', '[1,10)', 'fat:2 rat:3', 'mc', 'q'),
(2, E'tab\there\nnewline\rcr\\back\bbs\ffeed\vvt', 'quote''s', NULL, false, -0.0000001, -99999999.9999, 'NaN', '-Infinity', 0, -2147483648, 'infinity', '-infinity', '0044-03-15 BC', '24:00:00', '00:00:00-12', '-1 days -00:00:01', '0', 'null', '[]', NULL, '::1', '::/0', NULL, '{}', '{}', NULL, '\x', B'0000', B'', 'sad', NULL, -0.01, '', NULL, NULL, 'empty', '', '', ''),
(3, 'NULL', '\N', '\\N', NULL, 'NaN', 0, '-0', '-0', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, E'\\x5c4e', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
(4, '😀 emoji 東京 ü', 'semi;colon', '$$', true, 123456789012345678901234567890.123456789, 1, 3.4028235e38, 1.7976931348623157e308, 1, 1, '2000-01-01 00:00:00', '2000-01-01 00:00:00+00', '2000-01-01', '00:00:00', '00:00:00+00', '00:00:00', '00:00:00', '"str"', '"str"', '00000000-0000-0000-0000-000000000000', '0.0.0.0', '0.0.0.0/0', 'ff:ff:ff:ff:ff:ff', '{0}', '{" "}', '{{NULL,""}}', '\x0a0d09', B'1111', B'11111111', 'ok', 1, 0, 'x', '(0,0)', '', 'empty', 'a', E'-- not a comment', E'/* not a comment */'),
(5, repeat('long ', 2000), E'a\\nb', E'\\\\', NULL, 1e-20, NULL, 1e-30, 5e-324, NULL, NULL, '1999-12-31 23:59:59.5', '1999-12-31 23:59:59.5-08', '1999-12-31', '12:34:56', NULL, '1000000 hours', NULL, NULL, '{"nested": {"deep": [true, false, null, 1.0e10]}}', NULL, NULL, NULL, NULL, NULL, '{"\\"}', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, E'line1\nline2\n\\.\nafter', E'\\.');
CREATE TABLE shop.orders (
    id integer NOT NULL,
    "Total" numeric(10,2),
    note text
);
INSERT INTO shop.orders SELECT g, g * 1.25, CASE WHEN g % 3 = 0 THEN NULL ELSE 'note ' || g || E'\t' || repeat('x', g % 7) END FROM generate_series(1, 300) g;
CREATE TABLE public.empty_table (id integer, v text);
CREATE TABLE public.parent (id integer, name text);
CREATE TABLE public.child (extra text) INHERITS (public.parent);
INSERT INTO public.child VALUES (1, 'p', 'c');
CREATE TABLE public.measurement (city_id integer NOT NULL, logdate date NOT NULL, peak integer) PARTITION BY RANGE (logdate);
CREATE TABLE public.m2020 PARTITION OF public.measurement FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
INSERT INTO public.measurement VALUES (1, '2020-05-05', 30);
CREATE TABLE public.one_col (v text);
INSERT INTO public.one_col VALUES (''), (NULL), ('x'), ('');
CREATE TABLE public.idt (id integer GENERATED ALWAYS AS IDENTITY, v text);
INSERT INTO public.idt (v) VALUES ('a'), ('b');
CREATE SEQUENCE public.myseq;
SELECT setval('public.myseq', 42);
CREATE FUNCTION public.f_semi() RETURNS text LANGUAGE plpgsql AS $body$ BEGIN RETURN 'a;b''c $$ not end'; END; $body$;
CREATE FUNCTION public.f_plain() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.t := 'x;y'; RETURN NEW; END; $$;
CREATE TRIGGER trg BEFORE INSERT ON public.one_col FOR EACH ROW EXECUTE FUNCTION public.f_plain();
CREATE VIEW public.v_things AS SELECT id, t FROM public.things WHERE t <> ';';
CREATE MATERIALIZED VIEW public.mv AS SELECT count(*) AS c FROM shop.orders;
CREATE INDEX things_t_idx ON public.things (t);
COMMENT ON TABLE public.things IS 'it''s; a table';
COMMENT ON COLUMN public.things.t IS E'multi\nline;';
DROP ROLE IF EXISTS someone;
CREATE ROLE someone;
GRANT SELECT ON public.things TO someone;
CREATE TABLE public."Weird Name" ("Id" integer, "a,b" text, "x""y" text);
INSERT INTO public."Weird Name" VALUES (1, 'w', 'z');
