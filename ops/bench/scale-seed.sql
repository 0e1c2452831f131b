-- ops/bench/scale-seed.sql: seeds a migrated Koomy database at scale for ops/bench/scale, with set-based
-- INSERT ... SELECT generate_series (no COPY, no API call), in chunks committed one by one with a progress
-- line each (RAISE NOTICE). Resumable and idempotent: rows have deterministic keys, and a chunk whose last
-- row is already there is skipped, so a table already at size costs one index lookup per chunk.
--
--   psql -v communities=10000 -v members=1000000 -v big=200000 -v events=50000000 -v jobs=5000000 \
--        -v chunk=1000000 -v days=85 -v owner=bench-reads-owner@bench.koomy.test -f ops/bench/scale-seed.sql
--
-- Communities and members are ops/bench/reads' seed, at scale and with the same names, so that reads
-- finds it intact and reuses it: communities bench-reads-0..C-1 (bench-reads-0 the directory's, holding
-- accounts 1..big; every other account in community 1 + i % (C - 1)), accounts bench-reads-<i>@bench.koomy.test
-- with the owner's password hash, and the owner (registered through the API beforehand) as owner of
-- bench-reads-0. stripe_events: settled events (processed, 1 in 20 ignored) evt_scale_<n>, received over
-- the last `days` days (under the 90-day retention, so the retention job has nothing to delete during the
-- benchmark), payloads shaped like Stripe's (about 1.6 KB of JSON, like the payment_intent events the
-- webhook benchmark sends). jobrunr.jobrunr_jobs: SUCCEEDED ApplyStripeEventsJob jobs, updated over the
-- last 30 hours (JobRunr moves succeeded jobs to DELETED after 36 h), with JobRunr's JSON.
\set ON_ERROR_STOP 1
SET search_path = koomy;
SELECT set_config('scale.communities', :'communities', false), set_config('scale.members', :'members', false),
       set_config('scale.big', :'big', false), set_config('scale.events', :'events', false),
       set_config('scale.jobs', :'jobs', false), set_config('scale.chunk', :'chunk', false),
       set_config('scale.days', :'days', false), set_config('scale.owner', :'owner', false) \gset ignored_

-- ---------------------------------------------------------------------------------------------
-- Communities, accounts, memberships (ops/bench/reads' seed)

INSERT INTO communities (id, name, slug, description, visibility, join_policy, locale)
  SELECT md5('scale-community-' || n)::uuid, 'Bench community ' || n, 'bench-reads-' || n,
         'A community seeded by ops/bench/reads (number ' || n || '): concerts, outings and a yearly general meeting.',
         'public', 'open', CASE WHEN n % 3 = 0 THEN 'en' ELSE 'fr' END
    FROM generate_series(0, :communities - 1) n
  ON CONFLICT (slug) DO NOTHING;

DO $$
DECLARE
  total bigint := current_setting('scale.members')::bigint;
  big bigint := current_setting('scale.big')::bigint;
  c bigint := current_setting('scale.communities')::bigint;
  chunk bigint := current_setting('scale.chunk')::bigint;
  owner text := current_setting('scale.owner');
  hash text;
  lo bigint := 1; hi bigint; t timestamptz; done bigint := 0;
BEGIN
  SELECT password_hash INTO hash FROM accounts WHERE email = owner;
  IF hash IS NULL THEN RAISE EXCEPTION 'the owner % is not registered (register it through the API first)', owner; END IF;
  WHILE lo <= total LOOP
    hi := least(lo + chunk - 1, total);
    IF EXISTS (SELECT 1 FROM memberships m JOIN accounts a ON a.id = m.account_id
                WHERE a.email = 'bench-reads-' || hi || '@bench.koomy.test') THEN
      RAISE NOTICE 'members: % .. % already there, skipped', lo, hi;
    ELSE
      t := clock_timestamp();
      INSERT INTO accounts (id, email, name, locale, password_hash, email_verified_at)
        SELECT md5('scale-account-' || i)::uuid, 'bench-reads-' || i || '@bench.koomy.test',
               initcap(substr(md5(i::text), 1, 7)) || ' ' || initcap(substr(md5(i::text), 8, 9)), 'fr', hash, now()
          FROM generate_series(lo, hi) i
        ON CONFLICT (email) DO NOTHING;
      INSERT INTO memberships (community_id, account_id, role, status, joined_at)
        SELECT cm.id, a.id, CASE WHEN i % 50 = 0 THEN 'admin' ELSE 'member' END,
               CASE WHEN i % 40 = 0 THEN 'pending' ELSE 'active' END, now() - (i % 1000) * interval '1 hour'
          FROM generate_series(lo, hi) i
          JOIN accounts a ON a.email = 'bench-reads-' || i || '@bench.koomy.test'
          JOIN communities cm ON cm.slug = 'bench-reads-' || CASE WHEN i <= big THEN 0 ELSE 1 + i % (c - 1) END
        ON CONFLICT DO NOTHING;
      COMMIT;
      done := done + hi - lo + 1;
      RAISE NOTICE 'members: % / % (% rows in % s)', hi, total, hi - lo + 1,
        round(extract(epoch FROM clock_timestamp() - t)::numeric, 1);
    END IF;
    lo := hi + 1;
  END LOOP;
  INSERT INTO memberships (community_id, account_id, role, status)
    SELECT cm.id, o.id, 'owner', 'active' FROM communities cm, accounts o
     WHERE cm.slug = 'bench-reads-0' AND o.email = owner
  ON CONFLICT DO NOTHING;
  COMMIT;
END $$;

-- ---------------------------------------------------------------------------------------------
-- stripe_events: settled events

DO $$
DECLARE
  total bigint := current_setting('scale.events')::bigint;
  c bigint := current_setting('scale.communities')::bigint;
  chunk bigint := current_setting('scale.chunk')::bigint;
  span interval := current_setting('scale.days')::int * interval '1 day';
  origin timestamptz := date_trunc('day', now()) - current_setting('scale.days')::int * interval '1 day';
  lo bigint := 0; hi bigint; t timestamptz;
BEGIN
  WHILE lo < total LOOP
    hi := least(lo + chunk, total) - 1;
    IF EXISTS (SELECT 1 FROM stripe_events WHERE event_id = 'evt_scale_' || hi) THEN
      RAISE NOTICE 'stripe_events: % .. % already there, skipped', lo, hi;
    ELSE
      t := clock_timestamp();
      INSERT INTO stripe_events (event_id, type, livemode, account, api_version, stripe_created, payload,
                                 received_at, status, attempts, processed_at, source)
        SELECT e.id, e.type, false, e.account, '2024-06-20', e.at - interval '1 second',
               format('{"id": "%s", "data": {"object": {"id": "pi_scale%s", "amount": %s, "object": "payment_intent", "review": null, "source": null, "status": "succeeded", "created": %s, "currency": "eur", "customer": "cus_scale%s", "livemode": false, "metadata": {"koomy_community": "%s", "koomy_kind": "dues"}, "shipping": null, "processing": null, "application": null, "canceled_at": null, "description": "Cotisation annuelle", "next_action": null, "on_behalf_of": null, "client_secret": "pi_scale%s_secret_%s", "latest_charge": "ch_scale%s", "receipt_email": null, "transfer_data": {"destination": "%s"}, "amount_details": {"tip": {}}, "capture_method": "automatic", "payment_method": "pm_scale%s", "transfer_group": null, "amount_received": %s, "customer_account": null, "amount_capturable": 0, "last_payment_error": null, "setup_future_usage": null, "cancellation_reason": null, "confirmation_method": "automatic", "payment_method_types": ["card"], "statement_descriptor": null, "application_fee_amount": %s, "payment_method_options": {"card": {"request_three_d_secure": "automatic"}}, "automatic_payment_methods": {"enabled": true}, "statement_descriptor_suffix": null, "excluded_payment_method_types": null, "payment_method_configuration_details": {"id": "pmc_scale", "parent": null}}}, "type": "%s", "object": "event", "created": %s, "request": {"id": "req_scale%s", "idempotency_key": "%s"}, "livemode": false, "api_version": "2024-06-20", "pending_webhooks": 1}',
                      e.id, e.n, e.amount, e.epoch, e.n % 1000003, e.community, e.n, md5(e.id), e.n, e.account, e.n,
                      e.amount, e.amount / 50, e.type, e.epoch, e.n, md5(e.id || 'k'))::jsonb,
               e.at, CASE WHEN e.n % 20 = 0 THEN 'ignored' ELSE 'processed' END, 1,
               e.at + (e.n % 500) * interval '1 millisecond', 'webhook'
          FROM (SELECT n, 'evt_scale_' || n AS id,
                       (ARRAY['payment_intent.succeeded', 'checkout.session.completed', 'charge.succeeded',
                              'invoice.paid', 'customer.created', 'charge.refunded'])[1 + n % 6] AS type,
                       'acct_scale_' || n % c AS account, md5('scale-community-' || n % c)::uuid AS community,
                       1000 + n % 9000 AS amount, origin + span * (n::float8 / total) AS at,
                       extract(epoch FROM origin + span * (n::float8 / total))::bigint AS epoch
                  FROM generate_series(lo, hi) n) e
        ON CONFLICT (event_id) DO NOTHING;
      COMMIT;
      RAISE NOTICE 'stripe_events: % / % (% rows in % s)', hi + 1, total, hi - lo + 1,
        round(extract(epoch FROM clock_timestamp() - t)::numeric, 1);
    END IF;
    lo := hi + 1;
  END LOOP;
END $$;

-- ---------------------------------------------------------------------------------------------
-- jobrunr.jobrunr_jobs: SUCCEEDED jobs as JobRunr stores them

DO $$
DECLARE
  total bigint := current_setting('scale.jobs')::bigint;
  chunk bigint := current_setting('scale.chunk')::bigint;
  origin timestamp := (now() AT TIME ZONE 'UTC') - interval '30 hours';
  lo bigint := 0; hi bigint; t timestamptz;
BEGIN
  WHILE lo < total LOOP
    hi := least(lo + chunk, total) - 1;
    IF EXISTS (SELECT 1 FROM jobrunr.jobrunr_jobs WHERE id = md5('scale-job-' || hi)::uuid::text) THEN
      RAISE NOTICE 'jobrunr_jobs: % .. % already there, skipped', lo, hi;
    ELSE
      t := clock_timestamp();
      INSERT INTO jobrunr.jobrunr_jobs (id, version, jobasjson, jobsignature, state, createdat, updatedat)
        SELECT j.id, 3,
               format('{"id":"%s","version":3,"jobDetails":{"className":"com.koomy.webhooks.ApplyStripeEventsJob","methodName":"run","jobParameters":[{"className":"com.koomy.webhooks.ApplyStripeEvents","actualClassName":"com.koomy.webhooks.ApplyStripeEvents","object":{"eventIds":["java.util.ArrayList",["evt_scale_%s","evt_scale_%s","evt_scale_%s"]]}}],"cacheable":true},"jobHistory":[{"@class":"org.jobrunr.jobs.states.EnqueuedState","state":"ENQUEUED","createdAt":"%s"},{"@class":"org.jobrunr.jobs.states.ProcessingState","state":"PROCESSING","createdAt":"%s","serverId":"2e780394-8790-482b-9cd8-1218c35b14bc","serverName":"vm","updatedAt":"%s"},{"@class":"org.jobrunr.jobs.states.SucceededState","state":"SUCCEEDED","createdAt":"%s","latencyDuration":0.098200894,"processDuration":0.296917053}],"metadata":{"@class":"java.util.concurrent.ConcurrentHashMap","jobRunrDashboardLog-2":{"@class":"org.jobrunr.jobs.context.JobDashboardLogger$JobDashboardLogLines","logLines":[]}},"jobSignature":"com.koomy.webhooks.ApplyStripeEventsJob.run(com.koomy.webhooks.ApplyStripeEvents)","jobName":"Apply 3 received Stripe events: evt_scale_%s …","amountOfRetries":8,"labels":[]}',
                      j.id, 3 * j.n, 3 * j.n + 1, 3 * j.n + 2, j.created, j.created, j.created, j.updated, 3 * j.n),
               'com.koomy.webhooks.ApplyStripeEventsJob.run(com.koomy.webhooks.ApplyStripeEvents)', 'SUCCEEDED',
               j.at, j.at + interval '400 milliseconds'
          FROM (SELECT n, md5('scale-job-' || n)::uuid::text AS id, origin + interval '30 hours' * (n::float8 / total) AS at,
                       to_char(origin + interval '30 hours' * (n::float8 / total), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created,
                       to_char(origin + interval '30 hours' * (n::float8 / total) + interval '400 milliseconds',
                               'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS updated
                  FROM generate_series(lo, hi) n) j
        ON CONFLICT (id) DO NOTHING;
      COMMIT;
      RAISE NOTICE 'jobrunr_jobs: % / % (% rows in % s)', hi + 1, total, hi - lo + 1,
        round(extract(epoch FROM clock_timestamp() - t)::numeric, 1);
    END IF;
    lo := hi + 1;
  END LOOP;
END $$;

-- As autovacuum would after such inserts (it is off on these machines: conf.d/90-ci.conf): the visibility
-- map set (index-only scans) and fresh statistics, as production's tables would have.
VACUUM (ANALYZE) communities, accounts, memberships, stripe_events, jobrunr.jobrunr_jobs;
