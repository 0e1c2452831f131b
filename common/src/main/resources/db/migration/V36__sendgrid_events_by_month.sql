-- sendgrid_events partitioned by month of received_at (issue 23, "Partitioning"): one row per delivery, open and
-- click, append-only, and retention drops a whole expired month (SendGridMonths) instead of deleting its rows.
--
-- A unique index on a partitioned table must include the partition key, so the exact dedupe on SendGrid's id
-- moves to sendgrid_event_ids (sg_event_id PRIMARY KEY): the webhook inserts the id and the event in one
-- statement (EmailSuppressionDao.insertEvent), and an id already there inserts neither.
--
-- Converting the populated table without stopping writers (docs/operations.md, "sendgrid_events partitioned"):
--   1. the partitioned table is built beside it (sendgrid_events_by_month), with its months and a DEFAULT;
--   2. a trigger on the old table mirrors every insert and delete into it from now on;
--   3. the rows already there are copied in batches of 5,000, one transaction each, each batch holding its rows
--      FOR SHARE so that a delete of one of them waits for the copy and then reaches the copy through the trigger;
--   4. one short transaction swaps the names (ACCESS EXCLUSIVE on both tables for the renames only), and the old
--      table is dropped.
-- Each step is its own transaction (executeInTransaction=false). Steps 1 to 3 can be run again: a migration
-- interrupted before the swap is repaired (`flyway repair`) and run again from the start. After the swap only the
-- last two statements remain (docs/operations.md says what to run by hand then).
SET statement_timeout = 0;

CREATE TABLE IF NOT EXISTS sendgrid_event_ids (
    sg_event_id text        PRIMARY KEY,
    received_at timestamptz NOT NULL DEFAULT now()
);
-- Retention forgets the ids of events it dropped, oldest first.
CREATE INDEX IF NOT EXISTS sendgrid_event_ids_received_idx ON sendgrid_event_ids (received_at);

CREATE TABLE IF NOT EXISTS sendgrid_events_by_month (
    sg_event_id   text        NOT NULL,
    event         text        NOT NULL,
    email         text        CHECK (email = lower(email)),
    koomy_key     text,
    sg_message_id text,
    occurred_at   timestamptz NOT NULL,
    payload       jsonb       NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    -- Unique per month only; sendgrid_event_ids is the exact dedupe. Serves lookups by sg_event_id.
    CONSTRAINT sendgrid_events_by_month_pkey PRIMARY KEY (sg_event_id, received_at)
) PARTITION BY RANGE (received_at);
-- The indexes of V3, V25 and V30, on every partition (a partitioned index).
CREATE INDEX IF NOT EXISTS sendgrid_events_by_month_email_idx ON sendgrid_events_by_month (email, occurred_at DESC);
CREATE INDEX IF NOT EXISTS sendgrid_events_by_month_koomy_key_idx ON sendgrid_events_by_month (koomy_key) WHERE koomy_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS sendgrid_events_by_month_processed_idx ON sendgrid_events_by_month (occurred_at) WHERE event = 'processed';
CREATE INDEX IF NOT EXISTS sendgrid_events_by_month_received_idx ON sendgrid_events_by_month (received_at);
-- An event received in a month without a partition lands here: an insert never fails for want of a month.
CREATE TABLE IF NOT EXISTS sendgrid_events_default PARTITION OF sendgrid_events_by_month DEFAULT;

-- The partition of one month (UTC), named sendgrid_events_YYYY_MM, unless it is there; returns its name, or NULL
-- when the DEFAULT already holds rows of that month (no partition was there when they came: they stay in the
-- DEFAULT, where retention deletes them like any other row). The retention job creates the months ahead with it.
-- Creating a partition takes ACCESS EXCLUSIVE on the parent and the DEFAULT (and scans the DEFAULT, kept small)
-- for an instant: callers set a short lock_timeout.
CREATE OR REPLACE FUNCTION sendgrid_events_add_month(parent regclass, month date) RETURNS text
    LANGUAGE plpgsql AS $$
DECLARE
    first timestamptz := date_trunc('month', month)::timestamp AT TIME ZONE 'UTC';
    name  text := 'sendgrid_events_' || to_char(first AT TIME ZONE 'UTC', 'YYYY_MM');
BEGIN
    IF EXISTS (SELECT 1 FROM koomy.sendgrid_events_default WHERE received_at >= first AND received_at < first + interval '1 month') THEN
        RETURN NULL;
    END IF;
    IF to_regclass('koomy.' || name) IS NULL THEN
        EXECUTE format('CREATE TABLE koomy.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                       name, parent, first, first + interval '1 month');
    END IF;
    RETURN name;
END;
$$;

-- Every month the old table holds rows of, to three months ahead.
SELECT sendgrid_events_add_month('sendgrid_events_by_month', m::date)
  FROM generate_series(date_trunc('month', coalesce((SELECT min(received_at) FROM sendgrid_events), now()) AT TIME ZONE 'UTC'),
                       date_trunc('month', now() AT TIME ZONE 'UTC') + interval '3 months', interval '1 month') m;

-- Step 2: from here on, what the old table gains or loses, the new one does too (and the id with it).
CREATE OR REPLACE FUNCTION sendgrid_events_mirror() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH id AS (INSERT INTO koomy.sendgrid_event_ids (sg_event_id, received_at) VALUES (NEW.sg_event_id, NEW.received_at)
                    ON CONFLICT DO NOTHING RETURNING sg_event_id)
        INSERT INTO koomy.sendgrid_events_by_month (sg_event_id, event, email, koomy_key, sg_message_id, occurred_at, payload, received_at)
        SELECT NEW.sg_event_id, NEW.event, NEW.email, NEW.koomy_key, NEW.sg_message_id, NEW.occurred_at, NEW.payload, NEW.received_at
          FROM id;
        RETURN NEW;
    END IF;
    DELETE FROM koomy.sendgrid_events_by_month WHERE sg_event_id = OLD.sg_event_id AND received_at = OLD.received_at;
    DELETE FROM koomy.sendgrid_event_ids WHERE sg_event_id = OLD.sg_event_id;
    RETURN OLD;
END;
$$;
DROP TRIGGER IF EXISTS sendgrid_events_mirror ON sendgrid_events;
CREATE TRIGGER sendgrid_events_mirror AFTER INSERT OR DELETE ON sendgrid_events
    FOR EACH ROW EXECUTE FUNCTION sendgrid_events_mirror();

-- Step 3: the rows that were there before the trigger, in batches (a COMMIT after each: DO outside a transaction).
DO $$
DECLARE
    after_id text := '';
    copied   int;
BEGIN
    LOOP
        WITH batch AS (SELECT * FROM koomy.sendgrid_events WHERE sg_event_id > after_id ORDER BY sg_event_id LIMIT 5000 FOR SHARE),
             id AS (INSERT INTO koomy.sendgrid_event_ids (sg_event_id, received_at)
                    SELECT sg_event_id, received_at FROM batch ON CONFLICT DO NOTHING RETURNING sg_event_id),
             moved AS (INSERT INTO koomy.sendgrid_events_by_month
                           (sg_event_id, event, email, koomy_key, sg_message_id, occurred_at, payload, received_at)
                       SELECT b.sg_event_id, b.event, b.email, b.koomy_key, b.sg_message_id, b.occurred_at, b.payload, b.received_at
                         FROM batch b JOIN id USING (sg_event_id)
                       RETURNING 1)
        SELECT (SELECT count(*) FROM batch), coalesce((SELECT max(sg_event_id) FROM batch), after_id) INTO copied, after_id
          FROM (SELECT count(*) FROM moved) m;
        COMMIT;
        EXIT WHEN copied < 5000;
    END LOOP;
END;
$$;

-- Step 4: the swap, one short transaction (lock_timeout: it gives up rather than queue writers behind a reader).
DO $$
BEGIN
    SET LOCAL lock_timeout = '${lockTimeout}';
    LOCK TABLE koomy.sendgrid_events, koomy.sendgrid_events_by_month IN ACCESS EXCLUSIVE MODE;
    DROP TRIGGER sendgrid_events_mirror ON koomy.sendgrid_events;
    ALTER TABLE koomy.sendgrid_events RENAME TO sendgrid_events_unpartitioned;
    ALTER TABLE koomy.sendgrid_events_by_month RENAME TO sendgrid_events;
    ALTER INDEX koomy.sendgrid_events_email_idx RENAME TO sendgrid_events_unpartitioned_email_idx;
    ALTER INDEX koomy.sendgrid_events_koomy_key_idx RENAME TO sendgrid_events_unpartitioned_koomy_key_idx;
    ALTER INDEX koomy.sendgrid_events_processed_idx RENAME TO sendgrid_events_unpartitioned_processed_idx;
    ALTER INDEX koomy.sendgrid_events_received_idx RENAME TO sendgrid_events_unpartitioned_received_idx;
    ALTER TABLE koomy.sendgrid_events_unpartitioned RENAME CONSTRAINT sendgrid_events_pkey TO sendgrid_events_unpartitioned_pkey;
    ALTER INDEX koomy.sendgrid_events_by_month_email_idx RENAME TO sendgrid_events_email_idx;
    ALTER INDEX koomy.sendgrid_events_by_month_koomy_key_idx RENAME TO sendgrid_events_koomy_key_idx;
    ALTER INDEX koomy.sendgrid_events_by_month_processed_idx RENAME TO sendgrid_events_processed_idx;
    ALTER INDEX koomy.sendgrid_events_by_month_received_idx RENAME TO sendgrid_events_received_idx;
    ALTER TABLE koomy.sendgrid_events RENAME CONSTRAINT sendgrid_events_by_month_pkey TO sendgrid_events_pkey;
    DROP FUNCTION koomy.sendgrid_events_mirror();
    -- Every row is in the new table: the trigger mirrored what came after the backfill's snapshot of each batch.
    DROP TABLE koomy.sendgrid_events_unpartitioned;
END;
$$;

SET statement_timeout = '${statementTimeout}';
