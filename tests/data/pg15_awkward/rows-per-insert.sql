--
-- PostgreSQL database dump
--

\restrict H7Z0dcOHs0fYhFPqOuSDC5OBraReXWhpgxZNV4mY7cBIFSvsyXgHOxvpZ3Xmma2

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: shop; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA shop;


ALTER SCHEMA shop OWNER TO postgres;

--
-- Name: citext; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;


--
-- Name: EXTENSION citext; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION citext IS 'data type for case-insensitive character strings';


--
-- Name: mood; Type: TYPE; Schema: public; Owner: postgres
--

CREATE TYPE public.mood AS ENUM (
    'sad',
    'ok',
    'happy'
);


ALTER TYPE public.mood OWNER TO postgres;

--
-- Name: posint; Type: DOMAIN; Schema: public; Owner: postgres
--

CREATE DOMAIN public.posint AS integer
	CONSTRAINT posint_check CHECK ((VALUE > 0));


ALTER DOMAIN public.posint OWNER TO postgres;

--
-- Name: f_plain(); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.f_plain() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN NEW.t := 'x;y'; RETURN NEW; END; $$;


ALTER FUNCTION public.f_plain() OWNER TO postgres;

--
-- Name: f_semi(); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.f_semi() RETURNS text
    LANGUAGE plpgsql
    AS $_$ BEGIN RETURN 'a;b''c $$ not end'; END; $_$;


ALTER FUNCTION public.f_semi() OWNER TO postgres;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: Weird Name; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public."Weird Name" (
    "Id" integer,
    "a,b" text,
    "x""y" text
);


ALTER TABLE public."Weird Name" OWNER TO postgres;

--
-- Name: parent; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.parent (
    id integer,
    name text
);


ALTER TABLE public.parent OWNER TO postgres;

--
-- Name: child; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.child (
    extra text
)
INHERITS (public.parent);


ALTER TABLE public.child OWNER TO postgres;

--
-- Name: empty_table; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.empty_table (
    id integer,
    v text
);


ALTER TABLE public.empty_table OWNER TO postgres;

--
-- Name: idt; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.idt (
    id integer NOT NULL,
    v text
);


ALTER TABLE public.idt OWNER TO postgres;

--
-- Name: idt_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

ALTER TABLE public.idt ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.idt_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: measurement; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.measurement (
    city_id integer NOT NULL,
    logdate date NOT NULL,
    peak integer
)
PARTITION BY RANGE (logdate);


ALTER TABLE public.measurement OWNER TO postgres;

--
-- Name: m2020; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.m2020 (
    city_id integer NOT NULL,
    logdate date NOT NULL,
    peak integer
);


ALTER TABLE public.m2020 OWNER TO postgres;

--
-- Name: orders; Type: TABLE; Schema: shop; Owner: postgres
--

CREATE TABLE shop.orders (
    id integer NOT NULL,
    "Total" numeric(10,2),
    note text
);


ALTER TABLE shop.orders OWNER TO postgres;

--
-- Name: mv; Type: MATERIALIZED VIEW; Schema: public; Owner: postgres
--

CREATE MATERIALIZED VIEW public.mv AS
 SELECT count(*) AS c
   FROM shop.orders
  WITH NO DATA;


ALTER TABLE public.mv OWNER TO postgres;

--
-- Name: myseq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.myseq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.myseq OWNER TO postgres;

--
-- Name: one_col; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.one_col (
    v text
);


ALTER TABLE public.one_col OWNER TO postgres;

--
-- Name: things; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.things (
    id bigint NOT NULL,
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
    t2 text[],
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


ALTER TABLE public.things OWNER TO postgres;

--
-- Name: TABLE things; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.things IS 'it''s; a table';


--
-- Name: COLUMN things.t; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON COLUMN public.things.t IS 'multi
line;';


--
-- Name: v_things; Type: VIEW; Schema: public; Owner: postgres
--

CREATE VIEW public.v_things AS
 SELECT things.id,
    things.t
   FROM public.things
  WHERE (things.t <> ';'::text);


ALTER TABLE public.v_things OWNER TO postgres;

--
-- Name: m2020; Type: TABLE ATTACH; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.measurement ATTACH PARTITION public.m2020 FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');


--
-- Data for Name: Weird Name; Type: TABLE DATA; Schema: public; Owner: postgres
--

INSERT INTO public."Weird Name" VALUES
	(1, 'w', 'z') ON CONFLICT DO NOTHING;


--
-- Data for Name: child; Type: TABLE DATA; Schema: public; Owner: postgres
--

INSERT INTO public.child VALUES
	(1, 'p', 'c') ON CONFLICT DO NOTHING;


--
-- Data for Name: empty_table; Type: TABLE DATA; Schema: public; Owner: postgres
--



--
-- Data for Name: idt; Type: TABLE DATA; Schema: public; Owner: postgres
--

INSERT INTO public.idt OVERRIDING SYSTEM VALUE VALUES
	(1, 'a'),
	(2, 'b') ON CONFLICT DO NOTHING;


--
-- Data for Name: m2020; Type: TABLE DATA; Schema: public; Owner: postgres
--

INSERT INTO public.m2020 VALUES
	(1, '2020-05-05', 30) ON CONFLICT DO NOTHING;


--
-- Data for Name: one_col; Type: TABLE DATA; Schema: public; Owner: postgres
--

INSERT INTO public.one_col VALUES
	(''),
	(NULL),
	('x'),
	('') ON CONFLICT DO NOTHING;


--
-- Data for Name: parent; Type: TABLE DATA; Schema: public; Owner: postgres
--



--
-- Data for Name: things; Type: TABLE DATA; Schema: public; Owner: postgres
--

INSERT INTO public.things VALUES
	(1, 'plain', 'x', 'ab   ', true, 1.5, 12.3456, 1.5, 2.25, -32768, 2147483647, '2024-01-02 03:04:05.123456', '2024-01-02 01:04:05+00', '2024-02-29', '23:59:59.999999', '12:00:00+05:30', '1 year 2 mons 3 days 04:05:06', '1 day 02:03:04.567', '{"a": [1, 2, "x\"y"]}', '{"a": null, "b": "é"}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03', '{1,2,NULL,-4}', '{"a b","c,d","","NULL",NULL,"q\"uote","back\\slash","{brace}"}', '{{a,b},{c,d}}', '\x00ff5c27', B'1010', B'101', 'happy', 7, '$1,234.56', 'MiXeD', '(1.5,-2)', '<a x="1">t</a>', '[1,10)', '''fat'':2 ''rat'':3', 'mc', 'q', DEFAULT),
	(2, 'tab	here
newlinecr\backbsfeedvvt', 'quote''s', NULL, false, -0.0000001, -99999999.9999, 'NaN', '-Infinity', 0, -2147483648, 'infinity', '-infinity', '0044-03-15 BC', '24:00:00', '00:00:00-12', '-1 days -00:00:01', '00:00:00', 'null', '[]', NULL, '::1', '::/0', NULL, '{}', '{}', NULL, '\x', B'0000', B'', 'sad', NULL, '-$0.01', '', NULL, NULL, 'empty', '', '', '', DEFAULT),
	(3, 'NULL', '\N', '\\N  ', NULL, 'NaN', 0.0000, -0, -0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '\x5c4e', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, DEFAULT),
	(4, '😀 emoji 東京 ü', 'semi;colon', '$$   ', true, 123456789012345678901234567890.123456789, 1.0000, 3.4028235e+38, 1.7976931348623157e+308, 1, 1, '2000-01-01 00:00:00', '2000-01-01 00:00:00+00', '2000-01-01', '00:00:00', '00:00:00+00', '00:00:00', '00:00:00', '"str"', '"str"', '00000000-0000-0000-0000-000000000000', '0.0.0.0', '0.0.0.0/0', 'ff:ff:ff:ff:ff:ff', '{0}', '{" "}', '{{NULL,""}}', '\x0a0d09', B'1111', B'11111111', 'ok', 1, '$0.00', 'x', '(0,0)', '', 'empty', '''a''', '-- not a comment', '/* not a comment */', DEFAULT),
	(5, 'long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long ', 'a\nb', '\\   ', NULL, 0.00000000000000000001, NULL, 1e-30, 5e-324, NULL, NULL, '1999-12-31 23:59:59.5', '2000-01-01 07:59:59.5+00', '1999-12-31', '12:34:56', NULL, '1000000:00:00', NULL, NULL, '{"nested": {"deep": [true, false, null, 10000000000]}}', NULL, NULL, NULL, NULL, NULL, '{"\\"}', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'line1
line2
\.
after', '\.', DEFAULT) ON CONFLICT DO NOTHING;


--
-- Data for Name: orders; Type: TABLE DATA; Schema: shop; Owner: postgres
--

INSERT INTO shop.orders VALUES
	(1, 1.25, 'note 1	x'),
	(2, 2.50, 'note 2	xx'),
	(3, 3.75, NULL),
	(4, 5.00, 'note 4	xxxx'),
	(5, 6.25, 'note 5	xxxxx'),
	(6, 7.50, NULL),
	(7, 8.75, 'note 7	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(8, 10.00, 'note 8	x'),
	(9, 11.25, NULL),
	(10, 12.50, 'note 10	xxx'),
	(11, 13.75, 'note 11	xxxx'),
	(12, 15.00, NULL),
	(13, 16.25, 'note 13	xxxxxx'),
	(14, 17.50, 'note 14	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(15, 18.75, NULL),
	(16, 20.00, 'note 16	xx'),
	(17, 21.25, 'note 17	xxx'),
	(18, 22.50, NULL),
	(19, 23.75, 'note 19	xxxxx'),
	(20, 25.00, 'note 20	xxxxxx'),
	(21, 26.25, NULL) ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(22, 27.50, 'note 22	x'),
	(23, 28.75, 'note 23	xx'),
	(24, 30.00, NULL),
	(25, 31.25, 'note 25	xxxx'),
	(26, 32.50, 'note 26	xxxxx'),
	(27, 33.75, NULL),
	(28, 35.00, 'note 28	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(29, 36.25, 'note 29	x'),
	(30, 37.50, NULL),
	(31, 38.75, 'note 31	xxx'),
	(32, 40.00, 'note 32	xxxx'),
	(33, 41.25, NULL),
	(34, 42.50, 'note 34	xxxxxx'),
	(35, 43.75, 'note 35	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(36, 45.00, NULL),
	(37, 46.25, 'note 37	xx'),
	(38, 47.50, 'note 38	xxx'),
	(39, 48.75, NULL),
	(40, 50.00, 'note 40	xxxxx'),
	(41, 51.25, 'note 41	xxxxxx'),
	(42, 52.50, NULL) ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(43, 53.75, 'note 43	x'),
	(44, 55.00, 'note 44	xx'),
	(45, 56.25, NULL),
	(46, 57.50, 'note 46	xxxx'),
	(47, 58.75, 'note 47	xxxxx'),
	(48, 60.00, NULL),
	(49, 61.25, 'note 49	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(50, 62.50, 'note 50	x'),
	(51, 63.75, NULL),
	(52, 65.00, 'note 52	xxx'),
	(53, 66.25, 'note 53	xxxx'),
	(54, 67.50, NULL),
	(55, 68.75, 'note 55	xxxxxx'),
	(56, 70.00, 'note 56	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(57, 71.25, NULL),
	(58, 72.50, 'note 58	xx'),
	(59, 73.75, 'note 59	xxx'),
	(60, 75.00, NULL),
	(61, 76.25, 'note 61	xxxxx'),
	(62, 77.50, 'note 62	xxxxxx'),
	(63, 78.75, NULL) ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(64, 80.00, 'note 64	x'),
	(65, 81.25, 'note 65	xx'),
	(66, 82.50, NULL),
	(67, 83.75, 'note 67	xxxx'),
	(68, 85.00, 'note 68	xxxxx'),
	(69, 86.25, NULL),
	(70, 87.50, 'note 70	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(71, 88.75, 'note 71	x'),
	(72, 90.00, NULL),
	(73, 91.25, 'note 73	xxx'),
	(74, 92.50, 'note 74	xxxx'),
	(75, 93.75, NULL),
	(76, 95.00, 'note 76	xxxxxx'),
	(77, 96.25, 'note 77	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(78, 97.50, NULL),
	(79, 98.75, 'note 79	xx'),
	(80, 100.00, 'note 80	xxx'),
	(81, 101.25, NULL),
	(82, 102.50, 'note 82	xxxxx'),
	(83, 103.75, 'note 83	xxxxxx'),
	(84, 105.00, NULL) ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(85, 106.25, 'note 85	x'),
	(86, 107.50, 'note 86	xx'),
	(87, 108.75, NULL),
	(88, 110.00, 'note 88	xxxx'),
	(89, 111.25, 'note 89	xxxxx'),
	(90, 112.50, NULL),
	(91, 113.75, 'note 91	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(92, 115.00, 'note 92	x'),
	(93, 116.25, NULL),
	(94, 117.50, 'note 94	xxx'),
	(95, 118.75, 'note 95	xxxx'),
	(96, 120.00, NULL),
	(97, 121.25, 'note 97	xxxxxx'),
	(98, 122.50, 'note 98	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(99, 123.75, NULL),
	(100, 125.00, 'note 100	xx'),
	(101, 126.25, 'note 101	xxx'),
	(102, 127.50, NULL),
	(103, 128.75, 'note 103	xxxxx'),
	(104, 130.00, 'note 104	xxxxxx'),
	(105, 131.25, NULL) ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(106, 132.50, 'note 106	x'),
	(107, 133.75, 'note 107	xx'),
	(108, 135.00, NULL),
	(109, 136.25, 'note 109	xxxx'),
	(110, 137.50, 'note 110	xxxxx'),
	(111, 138.75, NULL),
	(112, 140.00, 'note 112	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(113, 141.25, 'note 113	x'),
	(114, 142.50, NULL),
	(115, 143.75, 'note 115	xxx'),
	(116, 145.00, 'note 116	xxxx'),
	(117, 146.25, NULL),
	(118, 147.50, 'note 118	xxxxxx'),
	(119, 148.75, 'note 119	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(120, 150.00, NULL),
	(121, 151.25, 'note 121	xx'),
	(122, 152.50, 'note 122	xxx'),
	(123, 153.75, NULL),
	(124, 155.00, 'note 124	xxxxx'),
	(125, 156.25, 'note 125	xxxxxx'),
	(126, 157.50, NULL) ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(127, 158.75, 'note 127	x'),
	(128, 160.00, 'note 128	xx'),
	(129, 161.25, NULL),
	(130, 162.50, 'note 130	xxxx'),
	(131, 163.75, 'note 131	xxxxx'),
	(132, 165.00, NULL),
	(133, 166.25, 'note 133	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(134, 167.50, 'note 134	x'),
	(135, 168.75, NULL),
	(136, 170.00, 'note 136	xxx'),
	(137, 171.25, 'note 137	xxxx'),
	(138, 172.50, NULL),
	(139, 173.75, 'note 139	xxxxxx'),
	(140, 175.00, 'note 140	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(141, 176.25, NULL),
	(142, 177.50, 'note 142	xx'),
	(143, 178.75, 'note 143	xxx'),
	(144, 180.00, NULL),
	(145, 181.25, 'note 145	xxxxx'),
	(146, 182.50, 'note 146	xxxxxx'),
	(147, 183.75, NULL) ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(148, 185.00, 'note 148	x'),
	(149, 186.25, 'note 149	xx'),
	(150, 187.50, NULL),
	(151, 188.75, 'note 151	xxxx'),
	(152, 190.00, 'note 152	xxxxx'),
	(153, 191.25, NULL),
	(154, 192.50, 'note 154	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(155, 193.75, 'note 155	x'),
	(156, 195.00, NULL),
	(157, 196.25, 'note 157	xxx'),
	(158, 197.50, 'note 158	xxxx'),
	(159, 198.75, NULL),
	(160, 200.00, 'note 160	xxxxxx'),
	(161, 201.25, 'note 161	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(162, 202.50, NULL),
	(163, 203.75, 'note 163	xx'),
	(164, 205.00, 'note 164	xxx'),
	(165, 206.25, NULL),
	(166, 207.50, 'note 166	xxxxx'),
	(167, 208.75, 'note 167	xxxxxx'),
	(168, 210.00, NULL) ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(169, 211.25, 'note 169	x'),
	(170, 212.50, 'note 170	xx'),
	(171, 213.75, NULL),
	(172, 215.00, 'note 172	xxxx'),
	(173, 216.25, 'note 173	xxxxx'),
	(174, 217.50, NULL),
	(175, 218.75, 'note 175	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(176, 220.00, 'note 176	x'),
	(177, 221.25, NULL),
	(178, 222.50, 'note 178	xxx'),
	(179, 223.75, 'note 179	xxxx'),
	(180, 225.00, NULL),
	(181, 226.25, 'note 181	xxxxxx'),
	(182, 227.50, 'note 182	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(183, 228.75, NULL),
	(184, 230.00, 'note 184	xx'),
	(185, 231.25, 'note 185	xxx'),
	(186, 232.50, NULL),
	(187, 233.75, 'note 187	xxxxx'),
	(188, 235.00, 'note 188	xxxxxx'),
	(189, 236.25, NULL) ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(190, 237.50, 'note 190	x'),
	(191, 238.75, 'note 191	xx'),
	(192, 240.00, NULL),
	(193, 241.25, 'note 193	xxxx'),
	(194, 242.50, 'note 194	xxxxx'),
	(195, 243.75, NULL),
	(196, 245.00, 'note 196	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(197, 246.25, 'note 197	x'),
	(198, 247.50, NULL),
	(199, 248.75, 'note 199	xxx'),
	(200, 250.00, 'note 200	xxxx'),
	(201, 251.25, NULL),
	(202, 252.50, 'note 202	xxxxxx'),
	(203, 253.75, 'note 203	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(204, 255.00, NULL),
	(205, 256.25, 'note 205	xx'),
	(206, 257.50, 'note 206	xxx'),
	(207, 258.75, NULL),
	(208, 260.00, 'note 208	xxxxx'),
	(209, 261.25, 'note 209	xxxxxx'),
	(210, 262.50, NULL) ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(211, 263.75, 'note 211	x'),
	(212, 265.00, 'note 212	xx'),
	(213, 266.25, NULL),
	(214, 267.50, 'note 214	xxxx'),
	(215, 268.75, 'note 215	xxxxx'),
	(216, 270.00, NULL),
	(217, 271.25, 'note 217	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(218, 272.50, 'note 218	x'),
	(219, 273.75, NULL),
	(220, 275.00, 'note 220	xxx'),
	(221, 276.25, 'note 221	xxxx'),
	(222, 277.50, NULL),
	(223, 278.75, 'note 223	xxxxxx'),
	(224, 280.00, 'note 224	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(225, 281.25, NULL),
	(226, 282.50, 'note 226	xx'),
	(227, 283.75, 'note 227	xxx'),
	(228, 285.00, NULL),
	(229, 286.25, 'note 229	xxxxx'),
	(230, 287.50, 'note 230	xxxxxx'),
	(231, 288.75, NULL) ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(232, 290.00, 'note 232	x'),
	(233, 291.25, 'note 233	xx'),
	(234, 292.50, NULL),
	(235, 293.75, 'note 235	xxxx'),
	(236, 295.00, 'note 236	xxxxx'),
	(237, 296.25, NULL),
	(238, 297.50, 'note 238	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(239, 298.75, 'note 239	x'),
	(240, 300.00, NULL),
	(241, 301.25, 'note 241	xxx'),
	(242, 302.50, 'note 242	xxxx'),
	(243, 303.75, NULL),
	(244, 305.00, 'note 244	xxxxxx'),
	(245, 306.25, 'note 245	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(246, 307.50, NULL),
	(247, 308.75, 'note 247	xx'),
	(248, 310.00, 'note 248	xxx'),
	(249, 311.25, NULL),
	(250, 312.50, 'note 250	xxxxx'),
	(251, 313.75, 'note 251	xxxxxx'),
	(252, 315.00, NULL) ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(253, 316.25, 'note 253	x'),
	(254, 317.50, 'note 254	xx'),
	(255, 318.75, NULL),
	(256, 320.00, 'note 256	xxxx'),
	(257, 321.25, 'note 257	xxxxx'),
	(258, 322.50, NULL),
	(259, 323.75, 'note 259	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(260, 325.00, 'note 260	x'),
	(261, 326.25, NULL),
	(262, 327.50, 'note 262	xxx'),
	(263, 328.75, 'note 263	xxxx'),
	(264, 330.00, NULL),
	(265, 331.25, 'note 265	xxxxxx'),
	(266, 332.50, 'note 266	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(267, 333.75, NULL),
	(268, 335.00, 'note 268	xx'),
	(269, 336.25, 'note 269	xxx'),
	(270, 337.50, NULL),
	(271, 338.75, 'note 271	xxxxx'),
	(272, 340.00, 'note 272	xxxxxx'),
	(273, 341.25, NULL) ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(274, 342.50, 'note 274	x'),
	(275, 343.75, 'note 275	xx'),
	(276, 345.00, NULL),
	(277, 346.25, 'note 277	xxxx'),
	(278, 347.50, 'note 278	xxxxx'),
	(279, 348.75, NULL),
	(280, 350.00, 'note 280	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(281, 351.25, 'note 281	x'),
	(282, 352.50, NULL),
	(283, 353.75, 'note 283	xxx'),
	(284, 355.00, 'note 284	xxxx'),
	(285, 356.25, NULL),
	(286, 357.50, 'note 286	xxxxxx'),
	(287, 358.75, 'note 287	') ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(288, 360.00, NULL),
	(289, 361.25, 'note 289	xx'),
	(290, 362.50, 'note 290	xxx'),
	(291, 363.75, NULL),
	(292, 365.00, 'note 292	xxxxx'),
	(293, 366.25, 'note 293	xxxxxx'),
	(294, 367.50, NULL) ON CONFLICT DO NOTHING;
INSERT INTO shop.orders VALUES
	(295, 368.75, 'note 295	x'),
	(296, 370.00, 'note 296	xx'),
	(297, 371.25, NULL),
	(298, 372.50, 'note 298	xxxx'),
	(299, 373.75, 'note 299	xxxxx'),
	(300, 375.00, NULL) ON CONFLICT DO NOTHING;


--
-- Name: idt_id_seq; Type: SEQUENCE SET; Schema: public; Owner: postgres
--

SELECT pg_catalog.setval('public.idt_id_seq', 2, true);


--
-- Name: myseq; Type: SEQUENCE SET; Schema: public; Owner: postgres
--

SELECT pg_catalog.setval('public.myseq', 42, true);


--
-- Name: things things_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.things
    ADD CONSTRAINT things_pkey PRIMARY KEY (id);


--
-- Name: things_t_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX things_t_idx ON public.things USING btree (t);


--
-- Name: one_col trg; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER trg BEFORE INSERT ON public.one_col FOR EACH ROW EXECUTE FUNCTION public.f_plain();


--
-- Name: TABLE things; Type: ACL; Schema: public; Owner: postgres
--

GRANT SELECT ON TABLE public.things TO someone;


--
-- Name: mv; Type: MATERIALIZED VIEW DATA; Schema: public; Owner: postgres
--

REFRESH MATERIALIZED VIEW public.mv;


--
-- PostgreSQL database dump complete
--

\unrestrict H7Z0dcOHs0fYhFPqOuSDC5OBraReXWhpgxZNV4mY7cBIFSvsyXgHOxvpZ3Xmma2

