-- Deterministic seed for the test stack, relative to TODAY in Europe/Paris.
-- Pseudo-random = md5 of stable strings (no random()): same figures for a given day.
-- TODAY's bookings and payments are a FIXED list (see the comments) so tests can assert constants.
-- SPDX-License-Identifier: GPL-3.0-or-later
SET client_min_messages = warning;
SET TIME ZONE 'UTC';

-- h(text): deterministic non-negative int from md5
CREATE FUNCTION pg_temp.h(t text) RETURNS int LANGUAGE sql IMMUTABLE AS
$$ SELECT ('x' || substr(md5(t), 1, 7))::bit(28)::int $$;
-- Paris wall clock (day, time) -> UTC timestamp(3) without time zone
CREATE FUNCTION pg_temp.utc(d date, t time) RETURNS timestamp(3) LANGUAGE sql IMMUTABLE AS
$$ SELECT (((d + t) AT TIME ZONE 'Europe/Paris') AT TIME ZONE 'UTC')::timestamp(3) $$;
CREATE FUNCTION pg_temp.uid(t text) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT md5(t)::uuid::text $$;
CREATE FUNCTION pg_temp.cuid(t text) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT 'c' || substr(md5(t), 1, 24) $$;

CREATE TEMP TABLE p AS SELECT (now() AT TIME ZONE 'Europe/Paris')::date AS today;

-- ---------------------------------------------------------------- users
INSERT INTO "User" ("id","email","password","firstName","lastName","phone","role","isActive","sessionVersion","adminPermissions","employmentStatus","hireDate","archivedAt","createdAt","updatedAt")
SELECT pg_temp.uid('user:' || u.n), u.email, '$2b$10$abcdefghijklmnopqrstuuJ0x6v1cQ3i4m5Q7t9d2Wq8yZk3l4n6e', u.fn, u.ln, u.phone, u.role::"Role", u.active, u.sv,
       u.perm::jsonb, u.emp::"EmploymentStatus", u.hire::timestamp(3), u.arch::timestamp(3), '2025-11-28 09:00:00'::timestamp(3) + u.n * interval '1 hour', now()
FROM (VALUES
  (1, 'claire.martin@sweet-narcisse.fr', 'Claire', 'Martin', '+33612345601', 'SUPERADMIN', true, 3, '{"all":true}', 'PERMANENT', '2023-03-01', NULL),
  (2, 'julien.weber@sweet-narcisse.fr', 'Julien', 'Weber', '+33612345602', 'ADMIN', true, 1, '{"planning":true,"stats":true,"fleet":true,"cms":false}', 'PERMANENT', '2023-04-15', NULL),
  (3, 'lea.muller@sweet-narcisse.fr', 'Léa', 'Muller', '+33612345603', 'EMPLOYEE', true, 0, NULL, 'PERMANENT', '2024-04-01', NULL),
  (4, 'thomas.schmitt@sweet-narcisse.fr', 'Thomas', 'Schmitt', '+33612345604', 'EMPLOYEE', true, 0, NULL, 'TEMPORARY', '2025-06-01', NULL),
  (5, 'camille.klein@sweet-narcisse.fr', 'Camille', 'Klein', '+33612345605', 'EMPLOYEE', false, 2, NULL, 'TEMPORARY', '2025-05-01', '2025-10-01'),
  (6, 'hugo.meyer@sweet-narcisse.fr', 'Hugo', 'Meyer', '+33612345606', 'EMPLOYEE', true, 0, NULL, 'TEMPORARY', '2025-07-01', NULL),
  (7, 'guichet@sweet-narcisse.fr', 'Guichet', 'Embarcadère', NULL, 'CLIENT', true, 0, NULL, NULL, NULL, NULL)
) AS u(n, email, fn, ln, phone, role, active, sv, perm, emp, hire, arch);

INSERT INTO "User" ("id","email","password","firstName","lastName","phone","role","createdAt","updatedAt")
SELECT pg_temp.uid('user:' || (100 + g)),
       lower(fn) || '.' || lower(ln) || g || '@example.' || (ARRAY['fr','de','com','es'])[1 + g % 4],
       NULL, fn, ln, '+336' || lpad((pg_temp.h('tel' || g) % 100000000)::text, 8, '0'), 'CLIENT',
       '2025-11-28'::timestamp(3) + g * interval '13 hours', now()
FROM generate_series(1, 40) g,
     LATERAL (SELECT (ARRAY['Marie','Lukas','Emma','Hans','Sophie','Carlos','Anna','Pierre','Laura','Jonas'])[1 + g % 10] AS fn,
                     (ARRAY['Durand','Fischer','Bernard','Garcia','Wagner','Petit','Becker','Lopez','Roux','Hoffmann','Moreau','Keller','Fontaine'])[1 + g % 13] AS ln) n;

-- ---------------------------------------------------------------- boats (ids 1-4; 4 is in MAINTENANCE)
INSERT INTO "Boat" ("id","name","capacity","status","batteryCycleDays","lastChargeDate","totalTrips","tripsSinceService","hoursSinceService","manifest","fleetLabel")
SELECT b.id, b.name, 12, b.st::"BoatStatus", 4, (SELECT pg_temp.utc(today - b.ch, '19:30') FROM p), b.tt, b.ts, b.hs, b.man, b.lbl
FROM (VALUES
  (1, 'Sweet Narcisse I', 'ACTIVE', 1, 1412, 96, 40.0, 'FR-67-1001', 'A'),
  (2, 'Sweet Narcisse II', 'ACTIVE', 0, 1288, 71, 29.6, 'FR-67-1002', 'B'),
  (3, 'Belle de Colmar', 'ACTIVE', 2, 967, 133, 55.4, 'FR-68-2040', 'C'),
  (4, 'Petite Venise', 'MAINTENANCE', 9, 802, 210, 87.5, 'FR-68-2041', 'D')
) AS b(id, name, st, ch, tt, ts, hs, man, lbl);
SELECT setval(pg_get_serial_sequence('"Boat"', 'id'), 4);

-- ---------------------------------------------------------------- generated season (all days except TODAY)
-- departure grid of §5.3: active boats 1..3 (k = 0..2), offsets 0/5/20 min; 10:00-11:45 and 13:30-17:45 every 30 min
CREATE TEMP TABLE slots AS
SELECT k + 1 AS boat, t
FROM generate_series(0, 2) k,
     LATERAL (SELECT time '10:00' + make_interval(mins => (ARRAY[0,5,20,25])[k + 1] + 30 * n) AS t FROM generate_series(0, 3) n
              UNION ALL
              SELECT time '13:30' + make_interval(mins => (ARRAY[0,5,20,25])[k + 1] + 30 * n) FROM generate_series(0, 8) n) x
WHERE t BETWEEN '10:00' AND '11:45' OR t BETWEEN '13:30' AND '17:45';

CREATE TEMP TABLE gen AS
SELECT d::date AS day, s.boat, s.t, j, d::date || '/' || s.boat || '/' || s.t || '/' || j AS k
FROM p, generate_series(p.today - 120, p.today + 30, interval '1 day') d, slots s, generate_series(1, 2) j
WHERE d::date <> p.today
  AND pg_temp.h('take:' || d::date || '/' || s.boat || '/' || s.t || '/' || j) % 100 < (CASE j WHEN 1 THEN 45 ELSE 18 END);

CREATE TEMP TABLE genb AS
SELECT g.*, pg_temp.uid('booking:' || g.k) AS id,
       1 + pg_temp.h('ad:' || g.k) % 4 AS adults,
       CASE WHEN pg_temp.h('ch:' || g.k) % 5 < 2 THEN 0 ELSE pg_temp.h('cn:' || g.k) % 3 END AS children,
       CASE WHEN pg_temp.h('bb:' || g.k) % 9 = 0 THEN 1 ELSE 0 END AS babies,
       pg_temp.h('pv:' || g.k) % 29 = 0 AS priv,
       pg_temp.h('st:' || g.k) % 100 AS r,
       pg_temp.h('x:' || g.k) AS x
FROM gen g;

INSERT INTO "Booking" ("id","createdAt","updatedAt","publicReference","date","startTime","endTime","numberOfPeople","adults","children","babies",
                       "isPrivate","reservedSeats","language","totalPrice","status","checkinStatus","isPaid","confirmationEmailSentAt","reviewMailSent",
                       "message","invoiceEmail","userId","boatId")
SELECT b.id, c.created, c.created + interval '2 minutes',
       'SN-' || to_char(b.day, 'YYMMDD') || '-' || upper(substr(md5(b.id), 1, 5)),
       b.day::timestamp(3), pg_temp.utc(b.day, b.t), pg_temp.utc(b.day, b.t) + interval '25 minutes',
       b.adults + b.children + b.babies, b.adults, b.children, b.babies,
       b.priv, CASE WHEN b.priv THEN 12 WHEN b.x % 3 = 0 THEN NULL ELSE b.adults + b.children + b.babies END,
       (ARRAY['FR','FR','FR','EN','DE','DE','ES','EN'])[1 + b.x % 8],
       CASE WHEN b.priv THEN 100 ELSE b.adults * 9 + b.children * 4 END,
       s.status::"BookingStatus",
       (CASE WHEN s.status = 'COMPLETED' THEN (CASE WHEN b.x % 31 = 0 THEN 'NO_SHOW' ELSE 'EMBARQUED' END) ELSE 'CONFIRMED' END)::"CheckinStatus",
       s.paid,
       CASE WHEN s.status IN ('CONFIRMED','COMPLETED') THEN c.created + interval '1 minute' END,
       s.status = 'COMPLETED' AND b.day < (SELECT today FROM p) - 1 AND b.x % 4 <> 0,
       CASE WHEN b.x % 37 = 0 THEN 'Poussette à bord, merci' WHEN b.x % 41 = 0 THEN 'Anniversaire !' END,
       CASE WHEN b.x % 13 = 0 THEN 'compta@example.fr' END,
       pg_temp.uid('user:' || (101 + b.x % 40)),
       CASE WHEN b.x % 19 = 0 THEN NULL ELSE b.boat END
FROM genb b, p,
     -- created before TODAY (Paris) so that today's payments are exactly the fixed list below
     LATERAL (SELECT LEAST(pg_temp.utc(b.day, b.t) - make_interval(days => 1 + b.x % 20, mins => b.x % 600),
                           pg_temp.utc(p.today, '00:00') - make_interval(hours => 1, mins => b.x % 600)) AS created) c,
     LATERAL (SELECT CASE
                WHEN b.r < 8 THEN 'CANCELLED'
                WHEN b.day < p.today THEN (CASE WHEN b.r < 90 THEN 'COMPLETED' ELSE 'CONFIRMED' END)
                WHEN b.r < 18 THEN 'PENDING'
                ELSE 'CONFIRMED' END AS status) s0,
     LATERAL (SELECT s0.status,
                CASE s0.status WHEN 'PENDING' THEN false WHEN 'COMPLETED' THEN true
                               WHEN 'CANCELLED' THEN b.x % 2 = 0 ELSE b.x % 10 <> 0 END AS paid) s;

-- ---------------------------------------------------------------- TODAY (fixed list)
-- n, Paris time (on TODAY unless dd <> 0: dd = day offset of the WALL CLOCK, e.g. 00:15 of TODAY is 22:15/23:15 UTC of yesterday),
-- boat, status, isPaid, adults, children, babies, private, lang
-- Expected (Paris TODAY): 21 bookings, 18 not cancelled, revenue (CONFIRMED|COMPLETED and paid) 526 EUR,
-- unassigned (boatId NULL) not cancelled: 3; PENDING: 3; private: 2.
CREATE TEMP TABLE today_b (n int, dd int, t time, boat int, status text, paid bool, ad int, ch int, bb int, priv bool, lang text);
INSERT INTO today_b VALUES
 ( 1, 0, '00:15', NULL, 'CONFIRMED', true,  2, 0, 0, false, 'FR'),
 ( 2, 0, '00:45', 1,    'COMPLETED', true,  3, 1, 0, false, 'DE'),
 ( 3, 0, '01:30', 2,    'CANCELLED', false, 2, 0, 0, false, 'EN'),
 ( 4, 0, '10:00', 1,    'COMPLETED', true,  4, 2, 0, false, 'FR'),
 ( 5, 0, '10:00', 1,    'CONFIRMED', true,  2, 0, 0, false, 'EN'),
 ( 6, 0, '10:05', 2,    'COMPLETED', true,  6, 0, 0, true,  'DE'),
 ( 7, 0, '10:20', 3,    'CANCELLED', true,  2, 1, 0, false, 'FR'),
 ( 8, 0, '10:30', 1,    'CONFIRMED', false, 3, 0, 0, false, 'ES'),
 ( 9, 0, '11:00', 1,    'PENDING',   false, 2, 2, 1, false, 'FR'),
 (10, 0, '11:05', 2,    'CONFIRMED', true,  5, 0, 0, false, 'EN'),
 (11, 0, '11:20', 3,    'CONFIRMED', true,  1, 0, 0, false, 'FR'),
 (12, 0, '13:30', 1,    'CONFIRMED', true,  8, 2, 0, true,  'FR'),
 (13, 0, '13:35', 2,    'PENDING',   false, 2, 0, 0, false, 'DE'),
 (14, 0, '13:50', 3,    'CONFIRMED', true,  4, 0, 0, false, 'EN'),
 (15, 0, '14:00', 1,    'CONFIRMED', true,  2, 0, 1, false, 'FR'),
 (16, 0, '14:05', NULL, 'CONFIRMED', true,  3, 0, 0, false, 'ES'),
 (17, 0, '14:20', 3,    'CANCELLED', false, 4, 0, 0, false, 'FR'),
 (18, 0, '15:00', 1,    'CONFIRMED', true,  2, 2, 0, false, 'DE'),
 (19, 0, '16:05', 2,    'CONFIRMED', true,  6, 0, 0, false, 'FR'),
 (20, 0, '17:30', 1,    'PENDING',   false, 1, 1, 0, false, 'EN'),
 (21, 0, '17:35', NULL, 'CONFIRMED', false, 2, 0, 0, false, 'FR'),
 -- edges around TODAY that must NOT count as today: tomorrow just after midnight Paris (= today UTC evening),
 -- and yesterday late evening Paris
 (31, 1, '00:15', 1,    'CONFIRMED', true,  2, 0, 0, false, 'FR'),
 (32, 1, '00:40', NULL, 'PENDING',   false, 4, 0, 0, false, 'DE'),
 (33, -1, '23:30', 2,   'COMPLETED', true,  3, 0, 0, false, 'EN');

INSERT INTO "Booking" ("id","createdAt","updatedAt","publicReference","date","startTime","endTime","numberOfPeople","adults","children","babies",
                       "isPrivate","reservedSeats","language","totalPrice","status","checkinStatus","isPaid","confirmationEmailSentAt","reviewMailSent","userId","boatId")
SELECT pg_temp.uid('today-booking:' || b.n), st.s - interval '2 days' + b.n * interval '7 minutes', st.s - interval '1 day',
       'SN-' || to_char(p.today + b.dd, 'YYMMDD') || '-T' || lpad(b.n::text, 3, '0'),
       (p.today + b.dd)::timestamp(3), st.s, st.s + interval '25 minutes',
       b.ad + b.ch + b.bb, b.ad, b.ch, b.bb, b.priv,
       CASE WHEN b.priv THEN 12 ELSE b.ad + b.ch + b.bb END, b.lang,
       CASE WHEN b.priv THEN 100 ELSE b.ad * 9 + b.ch * 4 END,
       b.status::"BookingStatus",
       (CASE WHEN b.status = 'COMPLETED' THEN 'EMBARQUED' ELSE 'CONFIRMED' END)::"CheckinStatus",
       b.paid, CASE WHEN b.status IN ('CONFIRMED','COMPLETED') THEN st.s - interval '2 days' END, false,
       CASE WHEN b.n IN (8, 21) THEN pg_temp.uid('user:7') ELSE pg_temp.uid('user:' || (101 + b.n % 40)) END, b.boat
FROM today_b b, p, LATERAL (SELECT pg_temp.utc(p.today + b.dd, b.t) AS s) st;

-- ---------------------------------------------------------------- payments
-- TODAY (Paris day), fixed: succeeded per provider in cents:
--   stripe 4400, paypal 8500, cash 7100, card 1800, stripe_terminal 10000, applepay 4500, googlepay 900,
--   voucher 10000, check 3600, manual 1800  => total 52600 (= 526.00 EUR); plus 2 failed, 1 refunded,
--   2 PENDING chain rows (amount in EUROS: 18 and 13). Two succeeded rows are created 00:05/00:30 Paris
--   (the previous UTC day); one row created tomorrow 00:20 Paris (today UTC) must not count.
CREATE TEMP TABLE today_p (n int, bn int, dd int, t time, provider text, amount int, status text, method text);
INSERT INTO today_p VALUES
 ( 1,  1, 0, '00:05', 'stripe',          1800, 'succeeded', 'card'),
 ( 2,  2, 0, '00:30', 'paypal',          3100, 'succeeded', 'paypal'),
 ( 3,  4, 0, '09:55', 'cash',            4400, 'succeeded', 'cash'),
 ( 4,  5, 0, '09:58', 'card',            1800, 'succeeded', 'card'),
 ( 5,  6, 0, '10:01', 'stripe_terminal',10000, 'succeeded', 'card_present'),
 ( 6,  7, 0, '08:00', 'stripe',          2200, 'refunded',  'card'),
 ( 7, 10, 0, '10:40', 'applepay',        4500, 'succeeded', 'apple_pay'),
 ( 8, 11, 0, '11:10', 'googlepay',        900, 'succeeded', 'google_pay'),
 ( 9, 12, 0, '13:00', 'voucher',        10000, 'succeeded', 'ANCV'),
 (10, 14, 0, '13:45', 'check',           3600, 'succeeded', 'check'),
 (11, 15, 0, '13:58', 'manual',          1800, 'succeeded', 'CityPass'),
 (12, 16, 0, '14:01', 'cash',            2700, 'succeeded', 'cash'),
 (13, 18, 0, '14:50', 'stripe',          2600, 'failed',    'card'),
 (14, 18, 0, '14:52', 'stripe',          2600, 'succeeded', 'card'),
 (15, 19, 0, '15:55', 'paypal',          5400, 'succeeded', 'paypal'),
 (16,  9, 0, '10:55', 'stripe',          2600, 'failed',    'card'),
 (17, 13, 0, '13:20', 'card',              18, 'PENDING',   NULL),
 (18, 20, 0, '17:10', 'cash',              13, 'PENDING',   NULL),
 (19, 31, 1, '00:20', 'stripe',          1800, 'succeeded', 'card'),
 (20, 33, -1, '23:40', 'paypal',         2700, 'succeeded', 'paypal');

INSERT INTO "Payment" ("id","provider","bookingId","intentId","orderId","amount","currency","status","methodType","rawPayload","createdAt","updatedAt")
SELECT pg_temp.cuid('today-pay:' || x.n), x.provider, pg_temp.uid('today-booking:' || x.bn),
       CASE WHEN x.provider LIKE 'stripe%' OR x.provider IN ('applepay','googlepay') THEN 'pi_' || substr(md5('pi' || x.n), 1, 24) END,
       CASE WHEN x.provider = 'paypal' THEN upper(substr(md5('pp' || x.n), 1, 17)) END,
       x.amount, 'EUR', x.status, x.method,
       jsonb_build_object('source', 'seed', 'n', x.n),
       c.ts, c.ts + interval '3 seconds'
FROM today_p x, p, LATERAL (SELECT pg_temp.utc(p.today + x.dd, x.t) AS ts) c;

-- generated season: one payment per paid booking (refunded if cancelled), some failed attempts first
CREATE TEMP TABLE provs AS SELECT * FROM (VALUES
 (0,'stripe','card'),(1,'stripe','card'),(2,'stripe','card'),(3,'stripe','card'),(4,'stripe','card'),(5,'stripe','card'),(6,'stripe','card'),
 (7,'paypal','paypal'),(8,'paypal','paypal'),(9,'cash','cash'),(10,'cash','cash'),(11,'cash','cash'),(12,'card','card'),(13,'card','card'),
 (14,'card','card'),(15,'stripe_terminal','card_present'),(16,'stripe_terminal','card_present'),(17,'applepay','apple_pay'),
 (18,'googlepay','google_pay'),(19,'voucher','ANCV'),(20,'check','check'),(21,'manual','CityPass')) v(i, provider, method);

INSERT INTO "Payment" ("id","provider","bookingId","intentId","orderId","amount","currency","status","methodType","createdAt","updatedAt")
SELECT pg_temp.cuid('pay:' || b."id" || ':' || a.attempt), pv.provider, b."id",
       CASE WHEN pv.provider LIKE 'stripe%' OR pv.provider IN ('applepay','googlepay') THEN 'pi_' || substr(md5('pi' || b."id" || a.attempt), 1, 24) END,
       CASE WHEN pv.provider = 'paypal' THEN upper(substr(md5('pp' || b."id"), 1, 17)) END,
       round(b."totalPrice" * 100)::int, 'EUR',
       CASE WHEN a.attempt = 0 THEN 'failed' WHEN b."status" = 'CANCELLED' THEN 'refunded' ELSE 'succeeded' END,
       pv.method, ts.t - make_interval(secs => 90 * (1 - a.attempt)), ts.t + interval '4 seconds'
FROM "Booking" b
JOIN provs pv ON pv.i = pg_temp.h('prov:' || b."id") % 22
CROSS JOIN LATERAL (SELECT CASE WHEN pv.provider IN ('stripe','paypal','applepay','googlepay') THEN b."createdAt" + interval '2 minutes'
                                ELSE b."startTime" - make_interval(mins => 5 + pg_temp.h('pt:' || b."id") % 20) END AS t) ts
CROSS JOIN LATERAL (SELECT 1 AS attempt UNION ALL SELECT 0 WHERE pg_temp.h('fail:' || b."id") % 17 = 0) a
WHERE b."isPaid" AND b."publicReference" NOT LIKE 'SN-%-T%';

-- accounting ledger for every succeeded/refunded payment
INSERT INTO "PaymentLedger" ("id","eventType","provider","methodType","amount","netAmount","vatAmount","grossAmount","vatRate","receiptNo","bookingId","occurredAt")
SELECT pg_temp.cuid('ledger:' || pm."id"),
       CASE pm."status" WHEN 'refunded' THEN 'REFUND' ELSE 'PAID' END,
       CASE WHEN pm."provider" IN ('stripe','stripe_terminal') THEN 'card' WHEN pm."provider" IN ('check','manual') THEN 'voucher' ELSE pm."provider" END,
       pm."methodType", sgn * pm."amount", sgn * round(pm."amount" / 1.2)::int, sgn * (pm."amount" - round(pm."amount" / 1.2)::int), sgn * pm."amount", 20,
       'R' || to_char(pm."createdAt", 'YYYYMMDD') || '-' || lpad((row_number() OVER (PARTITION BY pm."createdAt"::date ORDER BY pm."createdAt", pm."id"))::text, 4, '0'),
       pm."bookingId", pm."createdAt"
FROM "Payment" pm, LATERAL (SELECT CASE pm."status" WHEN 'refunded' THEN -1 ELSE 1 END AS sgn) s
WHERE pm."status" IN ('succeeded', 'refunded');

INSERT INTO "PaymentSession" ("id","bookingId","amount","status","deviceId","claimedAt","createdById","createdAt","updatedAt")
SELECT pg_temp.cuid('ps:' || n), pg_temp.uid('today-booking:' || bn), amount, st::"PaymentSessionStatus", 'tmr_' || substr(md5('dev' || n), 1, 12),
       CASE WHEN st <> 'PENDING' THEN now() - interval '3 hours' END, pg_temp.uid('user:3'), now() - interval '4 hours' + n * interval '10 minutes', now()
FROM (VALUES (1, 6, 10000, 'SUCCEEDED'), (2, 9, 2600, 'EXPIRED'), (3, 13, 1800, 'PENDING')) v(n, bn, amount, st);
UPDATE "Payment" SET "paymentSessionId" = pg_temp.cuid('ps:1') WHERE "id" = pg_temp.cuid('today-pay:5');

-- ---------------------------------------------------------------- audit log, staff, cash, misc tables
INSERT INTO "Log" ("id","action","details","userId","createdAt")
SELECT pg_temp.uid('log:' || g),
       (ARRAY['BOOKING_CREATE','BOOKING_UPDATE','BOOKING_CANCEL','BLOCK_ADD','CHECKIN','INFO: Connexion','GROUP_CHAIN_OVERLAPS','CASH_CLOSE','BOAT_STATUS'])[1 + g % 9],
       json_build_object('ref', 'SN-' || lpad(g::text, 5, '0'), 'ip', '10.0.0.' || (g % 250))::text,
       pg_temp.uid('user:' || (1 + g % 6)),
       ((SELECT today FROM p) - 60)::timestamp(3) + g * interval '5 hours 17 minutes'
FROM generate_series(1, 270) g
WHERE ((SELECT today FROM p) - 60)::timestamp(3) + g * interval '5 hours 17 minutes' < now();

INSERT INTO "WorkShift" ("id","userId","startTime","endTime","breakTime","clockInLat","clockInLon","clockInAccuracy")
SELECT pg_temp.uid('shift:' || d || ':' || u), pg_temp.uid('user:' || u),
       pg_temp.utc(d::date, '09:30'), CASE WHEN d::date < (SELECT today FROM p) THEN pg_temp.utc(d::date, '18:15') END,
       45, 48.0744 + u * 0.0001, 7.3593, 12
FROM generate_series((SELECT today FROM p) - 13, (SELECT today FROM p), interval '1 day') d, generate_series(3, 6) u
WHERE u <> 5 AND pg_temp.h('ws:' || d || u) % 7 <> 0;

INSERT INTO "CashSession" ("id","openedById","openedAt","openingFloat","closedAt","closingCount","closingBreakdown")
SELECT pg_temp.cuid('cash:' || d::date), pg_temp.uid('user:3'), pg_temp.utc(d::date, '09:20'), 15000,
       CASE WHEN d::date < p.today THEN pg_temp.utc(d::date, '18:20') END,
       CASE WHEN d::date < p.today THEN 15000 + pg_temp.h('cc' || d) % 40000 END,
       CASE WHEN d::date < p.today THEN '{"50":2,"20":5,"10":4,"coins":3550}'::jsonb END
FROM p, generate_series(p.today - 6, p.today, interval '1 day') d;
INSERT INTO "CashMovement" ("id","sessionId","type","amount","reason","createdAt")
SELECT pg_temp.cuid('mv:' || n), pg_temp.cuid('cash:' || p.today), t, a, r, pg_temp.utc(p.today, '12:00') + n * interval '1 minute'
FROM p, (VALUES (1, 'IN', 2000, 'Fond de caisse complémentaire'), (2, 'OUT', -1500, 'Achat fournitures')) v(n, t, a, r);
INSERT INTO "DailyClosure" ("id","day","closedAt","totals","hash")
SELECT pg_temp.cuid('closure:' || d::date), d::date::timestamp(3), pg_temp.utc(d::date, '18:30'),
       jsonb_build_object('bookings', pg_temp.h('cl' || d) % 30, 'cash', pg_temp.h('cc' || d) % 40000), md5('closure' || d)
FROM p, generate_series(p.today - 30, p.today - 1, interval '1 day') d;
INSERT INTO "Sequence" VALUES ('receipt', 4821), ('invoice', 1290), ('booking', 7310);
INSERT INTO "BlockedInterval" ("start","end","reason","scope","recurrence")
SELECT pg_temp.utc(p.today, '12:00'), pg_temp.utc(p.today, '13:30'), 'Pause déjeuner', 'day', 'daily' FROM p
UNION ALL SELECT pg_temp.utc(p.today + 3, '10:00'), pg_temp.utc(p.today + 3, '12:00'), 'Crue de la Lauch', 'day', NULL FROM p
UNION ALL SELECT pg_temp.utc(p.today - 20, '00:00'), pg_temp.utc(p.today - 19, '00:00'), 'Fermeture exceptionnelle', 'day', NULL FROM p;
INSERT INTO "ContactRequest" ("id","kind","firstName","lastName","email","phone","people","message","status","createdAt")
SELECT pg_temp.cuid('contact:' || g), (ARRAY['group','private'])[1 + g % 2], 'Contact' || g, 'Groupe', 'contact' || g || '@example.org', NULL,
       15 + g * 3, 'Demande de devis', (ARRAY['NEW','CONTACTED','CLOSED'])[1 + g % 3]::"ContactStatus", now() - g * interval '2 days'
FROM generate_series(1, 6) g;
INSERT INTO "DailyBoatQuota" ("date","boatsAvailable","note")
SELECT (p.today + g)::timestamp(3), CASE WHEN g % 5 = 0 THEN 2 ELSE 3 END, NULL FROM p, generate_series(-3, 7) g;
INSERT INTO "MaintenanceLog" ("boatId","type","description","performedBy","createdAt")
SELECT 1 + g % 4, (ARRAY['CHARGE','INSPECTION','REPAIR','CLEANING'])[1 + g % 4]::"MaintenanceType", 'Entretien ' || g, 'Thomas Schmitt',
       now() - g * interval '3 days'
FROM generate_series(1, 10) g;
INSERT INTO "SiteConfig" ("key","value") VALUES ('opening.morning', '10:00-11:45'), ('opening.afternoon', '13:30-17:45'),
  ('price.adult', '9'), ('price.child', '4'), ('price.private', '100');
INSERT INTO "HeroSlide" ("imageUrl","title","order") VALUES ('/hero/slide-1.jpg', '{"fr":"Colmar au fil de l''eau"}', 1),
  ('/hero/slide-2.jpg', '{"fr":"La Petite Venise"}', 2), ('/hero/slide-3.jpg', '{"fr":"Balades privées"}', 3);
INSERT INTO "Partner" ("name","logoUrl","websiteUrl","order") VALUES ('Office de Tourisme de Colmar', NULL, 'https://www.tourisme-colmar.com', 1),
  ('Hôtel Le Marechal', NULL, NULL, 2), ('Winstub Saint-Martin', NULL, NULL, 3), ('CityPass Alsace', NULL, NULL, 4);
INSERT INTO "EmployeeDocument" ("id","userId","category","fileName","storageKey","mimeType","size","status","expiresAt","createdAt")
SELECT pg_temp.cuid('doc:' || g), pg_temp.uid('user:' || (3 + g % 4)), (ARRAY['contract','id','permit','medical'])[1 + g % 4],
       'document-' || g || '.pdf', 'employees/' || g || '/document.pdf', 'application/pdf', 20000 + g * 1000,
       (ARRAY['ACTIVE','ACTIVE','PENDING','ARCHIVED'])[1 + g % 4]::"EmployeeDocumentStatus", now() + (g * 60 - 90) * interval '1 day', now() - g * interval '9 days'
FROM generate_series(1, 5) g;
INSERT INTO "EmployeeDocumentLog" ("id","documentId","userId","action","ip","createdAt")
SELECT pg_temp.cuid('doclog:' || g), pg_temp.cuid('doc:' || (1 + g % 5)), pg_temp.uid('user:1'),
       (ARRAY['UPLOAD_REQUEST','CONFIRM','DOWNLOAD','PREVIEW'])[1 + g % 4]::"EmployeeDocumentAction", '10.0.0.5', now() - g * interval '2 days'
FROM generate_series(1, 8) g;

-- ---------------------------------------------------------------- _prisma_migrations (25 rows, all applied)
-- checksum = SHA-256 of the migration.sql written into DEPLOY_PATH by tests/stack/lib/deploy.sh (same text)
INSERT INTO "_prisma_migrations" ("id","checksum","finished_at","migration_name","logs","rolled_back_at","started_at","applied_steps_count")
SELECT md5('migration:' || m.name)::uuid::text,
       encode(sha256(convert_to('-- Prisma migration ' || m.name || E'\n-- stand-in: the schema itself is created by tests/stack/schema.sql\nSELECT 1;\n', 'UTF8')), 'hex'),
       m.rel::timestamptz + m.i * interval '180 ms' + interval '120 ms', m.name, NULL, NULL,
       m.rel::timestamptz + m.i * interval '180 ms', 1
FROM (VALUES
 ( 1, '20251127220750_migration1', '2025-11-29 10:04:00+00'),
 ( 2, '20251129001003_add_closing_breakdown', '2025-11-29 10:04:00+00'),
 ( 3, '20251201191800_add_workshift_geolocation', '2025-12-02 15:34:00+00'),
 ( 4, '20251202120000_add_booking_public_reference', '2025-12-02 15:34:00+00'),
 ( 5, '20251203120000_add_payment_sessions', '2025-12-04 09:16:00+00'),
 ( 6, '20251203124500_payment_terminal_devices', '2025-12-04 09:16:00+00'),
 ( 7, '20251203174106_', '2025-12-04 09:16:00+00'),
 ( 8, '20251203224500_sync_payment_sessions', '2025-12-04 09:16:00+00'),
 ( 9, '20251204232712_add_fleet_management', '2025-12-06 11:49:00+00'),
 (10, '20251204232957_restore_payment_session_guards', '2025-12-06 11:49:00+00'),
 (11, '20251204233015_payment_session_updated_at_default', '2025-12-06 11:49:00+00'),
 (12, '20251204235233_add_boat_manifest', '2025-12-06 11:49:00+00'),
 (13, '20251204235954_add_daily_boat_quota', '2025-12-06 11:49:00+00'),
 (14, '20251205001234_add_fleet_label', '2025-12-06 11:49:00+00'),
 (15, '20251205120000_add_fleet_management', '2025-12-06 11:49:00+00'),
 (16, '20251205120000_add_review_mail_tracking', '2025-12-06 11:49:00+00'),
 (17, '20251205144158_add_cms_tables', '2025-12-06 11:49:00+00'),
 (18, '20251205194614_allow_null_boat', '2025-12-06 11:49:00+00'),
 (19, '20251205203000_add_booking_confirmation_email', '2025-12-06 11:49:00+00'),
 (20, '20251205214600_add_admin_permissions', '2025-12-06 11:49:00+00'),
 (21, '20251212165833_employee_docs', '2025-12-13 08:24:00+00'),
 (22, '20251212171640_user_session_version', '2025-12-13 08:24:00+00'),
 (23, '20251222130605_add_employee_document_log', '2025-12-23 10:09:00+00'),
 (24, '20251222171639_add_performance_indexes', '2025-12-23 10:09:00+00'),
 (25, '20260102142804_booking_private_fields', '2026-01-02 16:44:00+00')
) AS m(i, name, rel);

ANALYZE "Booking", "Payment", "User", "Boat", "PaymentLedger";
