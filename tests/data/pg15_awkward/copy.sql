--
-- PostgreSQL database dump
--

\restrict 3ywSnOaMTfGxs9G2gCCOvjWMHFlyX1xeFQruwQXzel2qSJ7bZWI1COTsfmInbeR

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

COPY public."Weird Name" ("Id", "a,b", "x""y") FROM stdin;
1	w	z
\.


--
-- Data for Name: child; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.child (id, name, extra) FROM stdin;
1	p	c
\.


--
-- Data for Name: empty_table; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.empty_table (id, v) FROM stdin;
\.


--
-- Data for Name: idt; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.idt (id, v) FROM stdin;
1	a
2	b
\.


--
-- Data for Name: m2020; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.m2020 (city_id, logdate, peak) FROM stdin;
1	2020-05-05	30
\.


--
-- Data for Name: one_col; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.one_col (v) FROM stdin;

\N
x

\.


--
-- Data for Name: parent; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.parent (id, name) FROM stdin;
\.


--
-- Data for Name: things; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.things (id, t, vc, ch, b, n, n2, r, d, sm, i, ts, tstz, dt, tm, tmtz, iv, ivd, j, jb, u, ip, cidr_, mac, ia, ta, t2, by, bt, bv, m, p, mo, ci, pt, xm, rng, tsv, "MixedCase", "sel""ect") FROM stdin;
1	plain	x	ab   	t	1.5	12.3456	1.5	2.25	-32768	2147483647	2024-01-02 03:04:05.123456	2024-01-02 01:04:05+00	2024-02-29	23:59:59.999999	12:00:00+05:30	1 year 2 mons 3 days 04:05:06	1 day 02:03:04.567	{"a": [1, 2, "x\\"y"]}	{"a": null, "b": "é"}	a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11	192.168.0.1/24	10.0.0.0/8	08:00:2b:01:02:03	{1,2,NULL,-4}	{"a b","c,d","","NULL",NULL,"q\\"uote","back\\\\slash","{brace}"}	{{a,b},{c,d}}	\\x00ff5c27	1010	101	happy	7	$1,234.56	MiXeD	(1.5,-2)	<a x="1">t</a>	[1,10)	'fat':2 'rat':3	mc	q
2	tab\there\nnewline\rcr\\back\bbs\ffeedvvt	quote's	\N	f	-0.0000001	-99999999.9999	NaN	-Infinity	0	-2147483648	infinity	-infinity	0044-03-15 BC	24:00:00	00:00:00-12	-1 days -00:00:01	00:00:00	null	[]	\N	::1	::/0	\N	{}	{}	\N	\\x	0000		sad	\N	-$0.01		\N	\N	empty			
3	NULL	\\N	\\\\N  	\N	NaN	0.0000	-0	-0	\N	\N	\N	\N	\N	\N	\N	\N	\N	\N	\N	\N	\N	\N	\N	\N	\N	\N	\\x5c4e	\N	\N	\N	\N	\N	\N	\N	\N	\N	\N	\N	\N
4	😀 emoji 東京 ü	semi;colon	$$   	t	123456789012345678901234567890.123456789	1.0000	3.4028235e+38	1.7976931348623157e+308	1	1	2000-01-01 00:00:00	2000-01-01 00:00:00+00	2000-01-01	00:00:00	00:00:00+00	00:00:00	00:00:00	"str"	"str"	00000000-0000-0000-0000-000000000000	0.0.0.0	0.0.0.0/0	ff:ff:ff:ff:ff:ff	{0}	{" "}	{{NULL,""}}	\\x0a0d09	1111	11111111	ok	1	$0.00	x	(0,0)		empty	'a'	-- not a comment	/* not a comment */
5	long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long 	a\\nb	\\\\   	\N	0.00000000000000000001	\N	1e-30	5e-324	\N	\N	1999-12-31 23:59:59.5	2000-01-01 07:59:59.5+00	1999-12-31	12:34:56	\N	1000000:00:00	\N	\N	{"nested": {"deep": [true, false, null, 10000000000]}}	\N	\N	\N	\N	\N	{"\\\\"}	\N	\N	\N	\N	\N	\N	\N	\N	\N	\N	\N	\N	line1\nline2\n\\.\nafter	\\.
\.


--
-- Data for Name: orders; Type: TABLE DATA; Schema: shop; Owner: postgres
--

COPY shop.orders (id, "Total", note) FROM stdin;
1	1.25	note 1\tx
2	2.50	note 2\txx
3	3.75	\N
4	5.00	note 4\txxxx
5	6.25	note 5\txxxxx
6	7.50	\N
7	8.75	note 7\t
8	10.00	note 8\tx
9	11.25	\N
10	12.50	note 10\txxx
11	13.75	note 11\txxxx
12	15.00	\N
13	16.25	note 13\txxxxxx
14	17.50	note 14\t
15	18.75	\N
16	20.00	note 16\txx
17	21.25	note 17\txxx
18	22.50	\N
19	23.75	note 19\txxxxx
20	25.00	note 20\txxxxxx
21	26.25	\N
22	27.50	note 22\tx
23	28.75	note 23\txx
24	30.00	\N
25	31.25	note 25\txxxx
26	32.50	note 26\txxxxx
27	33.75	\N
28	35.00	note 28\t
29	36.25	note 29\tx
30	37.50	\N
31	38.75	note 31\txxx
32	40.00	note 32\txxxx
33	41.25	\N
34	42.50	note 34\txxxxxx
35	43.75	note 35\t
36	45.00	\N
37	46.25	note 37\txx
38	47.50	note 38\txxx
39	48.75	\N
40	50.00	note 40\txxxxx
41	51.25	note 41\txxxxxx
42	52.50	\N
43	53.75	note 43\tx
44	55.00	note 44\txx
45	56.25	\N
46	57.50	note 46\txxxx
47	58.75	note 47\txxxxx
48	60.00	\N
49	61.25	note 49\t
50	62.50	note 50\tx
51	63.75	\N
52	65.00	note 52\txxx
53	66.25	note 53\txxxx
54	67.50	\N
55	68.75	note 55\txxxxxx
56	70.00	note 56\t
57	71.25	\N
58	72.50	note 58\txx
59	73.75	note 59\txxx
60	75.00	\N
61	76.25	note 61\txxxxx
62	77.50	note 62\txxxxxx
63	78.75	\N
64	80.00	note 64\tx
65	81.25	note 65\txx
66	82.50	\N
67	83.75	note 67\txxxx
68	85.00	note 68\txxxxx
69	86.25	\N
70	87.50	note 70\t
71	88.75	note 71\tx
72	90.00	\N
73	91.25	note 73\txxx
74	92.50	note 74\txxxx
75	93.75	\N
76	95.00	note 76\txxxxxx
77	96.25	note 77\t
78	97.50	\N
79	98.75	note 79\txx
80	100.00	note 80\txxx
81	101.25	\N
82	102.50	note 82\txxxxx
83	103.75	note 83\txxxxxx
84	105.00	\N
85	106.25	note 85\tx
86	107.50	note 86\txx
87	108.75	\N
88	110.00	note 88\txxxx
89	111.25	note 89\txxxxx
90	112.50	\N
91	113.75	note 91\t
92	115.00	note 92\tx
93	116.25	\N
94	117.50	note 94\txxx
95	118.75	note 95\txxxx
96	120.00	\N
97	121.25	note 97\txxxxxx
98	122.50	note 98\t
99	123.75	\N
100	125.00	note 100\txx
101	126.25	note 101\txxx
102	127.50	\N
103	128.75	note 103\txxxxx
104	130.00	note 104\txxxxxx
105	131.25	\N
106	132.50	note 106\tx
107	133.75	note 107\txx
108	135.00	\N
109	136.25	note 109\txxxx
110	137.50	note 110\txxxxx
111	138.75	\N
112	140.00	note 112\t
113	141.25	note 113\tx
114	142.50	\N
115	143.75	note 115\txxx
116	145.00	note 116\txxxx
117	146.25	\N
118	147.50	note 118\txxxxxx
119	148.75	note 119\t
120	150.00	\N
121	151.25	note 121\txx
122	152.50	note 122\txxx
123	153.75	\N
124	155.00	note 124\txxxxx
125	156.25	note 125\txxxxxx
126	157.50	\N
127	158.75	note 127\tx
128	160.00	note 128\txx
129	161.25	\N
130	162.50	note 130\txxxx
131	163.75	note 131\txxxxx
132	165.00	\N
133	166.25	note 133\t
134	167.50	note 134\tx
135	168.75	\N
136	170.00	note 136\txxx
137	171.25	note 137\txxxx
138	172.50	\N
139	173.75	note 139\txxxxxx
140	175.00	note 140\t
141	176.25	\N
142	177.50	note 142\txx
143	178.75	note 143\txxx
144	180.00	\N
145	181.25	note 145\txxxxx
146	182.50	note 146\txxxxxx
147	183.75	\N
148	185.00	note 148\tx
149	186.25	note 149\txx
150	187.50	\N
151	188.75	note 151\txxxx
152	190.00	note 152\txxxxx
153	191.25	\N
154	192.50	note 154\t
155	193.75	note 155\tx
156	195.00	\N
157	196.25	note 157\txxx
158	197.50	note 158\txxxx
159	198.75	\N
160	200.00	note 160\txxxxxx
161	201.25	note 161\t
162	202.50	\N
163	203.75	note 163\txx
164	205.00	note 164\txxx
165	206.25	\N
166	207.50	note 166\txxxxx
167	208.75	note 167\txxxxxx
168	210.00	\N
169	211.25	note 169\tx
170	212.50	note 170\txx
171	213.75	\N
172	215.00	note 172\txxxx
173	216.25	note 173\txxxxx
174	217.50	\N
175	218.75	note 175\t
176	220.00	note 176\tx
177	221.25	\N
178	222.50	note 178\txxx
179	223.75	note 179\txxxx
180	225.00	\N
181	226.25	note 181\txxxxxx
182	227.50	note 182\t
183	228.75	\N
184	230.00	note 184\txx
185	231.25	note 185\txxx
186	232.50	\N
187	233.75	note 187\txxxxx
188	235.00	note 188\txxxxxx
189	236.25	\N
190	237.50	note 190\tx
191	238.75	note 191\txx
192	240.00	\N
193	241.25	note 193\txxxx
194	242.50	note 194\txxxxx
195	243.75	\N
196	245.00	note 196\t
197	246.25	note 197\tx
198	247.50	\N
199	248.75	note 199\txxx
200	250.00	note 200\txxxx
201	251.25	\N
202	252.50	note 202\txxxxxx
203	253.75	note 203\t
204	255.00	\N
205	256.25	note 205\txx
206	257.50	note 206\txxx
207	258.75	\N
208	260.00	note 208\txxxxx
209	261.25	note 209\txxxxxx
210	262.50	\N
211	263.75	note 211\tx
212	265.00	note 212\txx
213	266.25	\N
214	267.50	note 214\txxxx
215	268.75	note 215\txxxxx
216	270.00	\N
217	271.25	note 217\t
218	272.50	note 218\tx
219	273.75	\N
220	275.00	note 220\txxx
221	276.25	note 221\txxxx
222	277.50	\N
223	278.75	note 223\txxxxxx
224	280.00	note 224\t
225	281.25	\N
226	282.50	note 226\txx
227	283.75	note 227\txxx
228	285.00	\N
229	286.25	note 229\txxxxx
230	287.50	note 230\txxxxxx
231	288.75	\N
232	290.00	note 232\tx
233	291.25	note 233\txx
234	292.50	\N
235	293.75	note 235\txxxx
236	295.00	note 236\txxxxx
237	296.25	\N
238	297.50	note 238\t
239	298.75	note 239\tx
240	300.00	\N
241	301.25	note 241\txxx
242	302.50	note 242\txxxx
243	303.75	\N
244	305.00	note 244\txxxxxx
245	306.25	note 245\t
246	307.50	\N
247	308.75	note 247\txx
248	310.00	note 248\txxx
249	311.25	\N
250	312.50	note 250\txxxxx
251	313.75	note 251\txxxxxx
252	315.00	\N
253	316.25	note 253\tx
254	317.50	note 254\txx
255	318.75	\N
256	320.00	note 256\txxxx
257	321.25	note 257\txxxxx
258	322.50	\N
259	323.75	note 259\t
260	325.00	note 260\tx
261	326.25	\N
262	327.50	note 262\txxx
263	328.75	note 263\txxxx
264	330.00	\N
265	331.25	note 265\txxxxxx
266	332.50	note 266\t
267	333.75	\N
268	335.00	note 268\txx
269	336.25	note 269\txxx
270	337.50	\N
271	338.75	note 271\txxxxx
272	340.00	note 272\txxxxxx
273	341.25	\N
274	342.50	note 274\tx
275	343.75	note 275\txx
276	345.00	\N
277	346.25	note 277\txxxx
278	347.50	note 278\txxxxx
279	348.75	\N
280	350.00	note 280\t
281	351.25	note 281\tx
282	352.50	\N
283	353.75	note 283\txxx
284	355.00	note 284\txxxx
285	356.25	\N
286	357.50	note 286\txxxxxx
287	358.75	note 287\t
288	360.00	\N
289	361.25	note 289\txx
290	362.50	note 290\txxx
291	363.75	\N
292	365.00	note 292\txxxxx
293	366.25	note 293\txxxxxx
294	367.50	\N
295	368.75	note 295\tx
296	370.00	note 296\txx
297	371.25	\N
298	372.50	note 298\txxxx
299	373.75	note 299\txxxxx
300	375.00	\N
\.


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

\unrestrict 3ywSnOaMTfGxs9G2gCCOvjWMHFlyX1xeFQruwQXzel2qSJ7bZWI1COTsfmInbeR

