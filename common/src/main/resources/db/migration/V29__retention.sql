-- Retention (issue 23): what the recurring retention jobs need besides indexes (those are in V30,
-- built CONCURRENTLY outside a transaction). Only statements that take their locks for an instant:
-- a new table, and a nullable column without a default (no table rewrite).

-- SendGrid events older than the retention period are folded into these counters before they are
-- deleted, in the same statement: per message (koomy_key, the custom arg naming the email row's
-- idempotency key; '' for events without one) and event type, so the counts that pages and operators
-- read (opens, clicks, bounces of a newsletter) stay exact after the rows are gone.
CREATE TABLE sendgrid_event_counts (
    koomy_key  text        NOT NULL,
    event      text        NOT NULL,
    events     bigint      NOT NULL CHECK (events > 0),
    first_at   timestamptz NOT NULL,
    last_at    timestamptz NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (koomy_key, event)
);

-- When retention nulled the rendered bodies of a settled email (the row and its metadata stay): tells
-- an operator why html_body/text_body are empty.
ALTER TABLE emails ADD COLUMN bodies_purged_at timestamptz;
