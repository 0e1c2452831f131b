-- The capacity run's data set (ops/load/capacity), written straight into a fresh database (one
-- transaction, a few seconds): a platform in the analysis' third growth tier (> 100 active communities,
-- > 2,000 daily actives).
--
--   200 public communities (slug load-c-<n>), each with 10 published news posts and 3 upcoming public
--   events. Community load-c-0 is the "home" community, a large federation: 20,000 members, 100
--   admins (load-admin-<k>, the first one owner), a Stripe Connect account with payments enabled
--   (acct_loadhome), a 25 EUR yearly dues tier, the federation plan (no member limit), 5 events open
--   for registration, and two events with one confirmed ticket per member: the peak's event (mass
--   scans) and the door event of normal activity. 10,000 more members share communities 1..199.
--
-- Accounts get a placeholder password hash: nobody signs in through the API; ops/load/capacity writes
-- their sessions into Redis as SessionStore does (the load test measures browsing, not argon2).
SET search_path = koomy;
BEGIN;

CREATE TEMP TABLE load_c ON COMMIT DROP AS
  SELECT n, gen_random_uuid() AS id FROM generate_series(0, 199) n;
CREATE TEMP TABLE load_a ON COMMIT DROP AS
  SELECT i, gen_random_uuid() AS id FROM generate_series(1, 30000) i;
CREATE TEMP TABLE load_admin ON COMMIT DROP AS
  SELECT k, gen_random_uuid() AS id FROM generate_series(1, 100) k;

INSERT INTO communities (id, name, slug, description, visibility, join_policy, locale)
  SELECT id, CASE WHEN n = 0 THEN 'Fédération Load' ELSE 'Association load ' || n END, 'load-c-' || n,
         'Une communauté du test de charge (numéro ' || n || ') : sorties, concerts, assemblée générale annuelle et entraînements chaque semaine.',
         'public', 'open', CASE WHEN n % 3 = 0 THEN 'en' ELSE 'fr' END
  FROM load_c;

INSERT INTO accounts (id, email, name, locale, password_hash, email_verified_at)
  SELECT id, 'load-m-' || i || '@load.koomy.test',
         initcap(substr(md5(i::text), 1, 7)) || ' ' || initcap(substr(md5(i::text), 8, 9)), 'fr', 'not-a-hash', now()
  FROM load_a;
INSERT INTO accounts (id, email, name, locale, password_hash, email_verified_at)
  SELECT id, 'load-admin-' || k || '@load.koomy.test', 'Admin ' || initcap(substr(md5('admin' || k), 1, 8)), 'fr', 'not-a-hash', now()
  FROM load_admin;

-- Members 1..20,000 in the home community, the others spread over communities 1..199.
INSERT INTO memberships (community_id, account_id, role, status, joined_at)
  SELECT c.id, a.id, 'member', 'active', now() - (a.i % 1000) * interval '1 hour'
  FROM load_a a JOIN load_c c ON c.n = CASE WHEN a.i <= 20000 THEN 0 ELSE 1 + a.i % 199 END;
INSERT INTO memberships (community_id, account_id, role, status)
  SELECT c.id, ad.id, CASE WHEN ad.k = 1 THEN 'owner' ELSE 'admin' END, 'active'
  FROM load_admin ad, load_c c WHERE c.n = 0;

-- News: 10 published posts per community, newest first in the feed.
INSERT INTO news_posts (id, community_id, author_id, title, body, status, published_at)
  SELECT gen_random_uuid(), c.id, ad.id, 'Nouvelle ' || p || ' de l''association ' || c.n,
         repeat('Compte rendu de la sortie, horaires du prochain entraînement et rappel de la cotisation. ', 12),
         'published', now() - p * interval '1 day'
  FROM load_c c, generate_series(1, 10) p, load_admin ad WHERE ad.k = 1;

-- Events: 3 upcoming public events per community.
INSERT INTO events (id, community_id, title, description, place, starts_at, ends_at, time_zone, capacity, visibility, created_by)
  SELECT gen_random_uuid(), c.id, 'Rencontre ' || e || ' (' || c.n || ')', 'Ouvert à tous : venez nombreux.', 'Salle des fêtes',
         now() + e * interval '7 days', now() + e * interval '7 days' + interval '3 hours', 'Europe/Paris', NULL, 'public', ad.id
  FROM load_c c, generate_series(1, 3) e, load_admin ad WHERE ad.k = 1;

-- Home community: 5 members' events open for registration, the peak's event and the door event.
INSERT INTO events (id, community_id, title, description, place, starts_at, ends_at, time_zone, capacity, visibility, created_by)
  SELECT gen_random_uuid(), c.id, t.title, 'Événement de la fédération.', 'Stade', now() + interval '1 hour',
         now() + interval '6 hours', 'Europe/Paris', NULL, 'members', ad.id
  FROM load_c c, load_admin ad,
       (VALUES ('Inscription 1'), ('Inscription 2'), ('Inscription 3'), ('Inscription 4'), ('Inscription 5'),
               ('Grand rassemblement (pic)'), ('Entraînement (porte)')) t(title)
  WHERE c.n = 0 AND ad.k = 1;

INSERT INTO tickets (id, event_id, account_id, status, confirmed_at)
  SELECT gen_random_uuid(), e.id, m.account_id, 'confirmed', now()
  FROM events e JOIN communities c ON c.id = e.community_id AND c.slug = 'load-c-0'
  JOIN memberships m ON m.community_id = c.id AND m.role = 'member'
  WHERE e.title IN ('Grand rassemblement (pic)', 'Entraînement (porte)');
UPDATE events e SET confirmed_count = (SELECT count(*) FROM tickets t WHERE t.event_id = e.id AND t.status = 'confirmed')
  WHERE e.title IN ('Grand rassemblement (pic)', 'Entraînement (porte)');

-- Dues: the home community's connected account (onboarding done), its plan and its tier.
INSERT INTO stripe_connect_accounts (community_id, account_id, charges_enabled, payouts_enabled, details_submitted, synced_at)
  SELECT id, 'acct_loadhome', true, true, true, now() FROM load_c WHERE n = 0;
INSERT INTO community_subscriptions (community_id, plan) SELECT id, 'federation' FROM load_c WHERE n = 0;
INSERT INTO dues_tiers (id, community_id, name, amount, currency, period)
  SELECT gen_random_uuid(), id, 'Cotisation annuelle', 2500, 'eur', 'yearly' FROM load_c WHERE n = 0;

COMMIT;
ANALYZE accounts;
ANALYZE communities;
ANALYZE memberships;
ANALYZE news_posts;
ANALYZE events;
ANALYZE tickets;
