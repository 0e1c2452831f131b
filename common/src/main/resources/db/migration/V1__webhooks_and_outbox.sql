-- Stripe events as received: the durable record that a webhook was accepted (R1).
-- event_id is Stripe's id, so a redelivery finds its row and creates nothing new.
CREATE TABLE stripe_events (
    event_id       text        PRIMARY KEY,
    type           text        NOT NULL,
    livemode       boolean     NOT NULL,
    account        text,
    api_version    text,
    stripe_created timestamptz NOT NULL,
    payload        jsonb       NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now(),
    status         text        NOT NULL DEFAULT 'received'
                   CHECK (status IN ('received', 'processing', 'processed', 'failed', 'ignored')),
    attempts       integer     NOT NULL DEFAULT 0,
    last_error     text,
    processed_at   timestamptz
);

-- Operators list events by status (failed first) and by type; both newest first.
CREATE INDEX stripe_events_status_received_idx ON stripe_events (status, received_at DESC);
CREATE INDEX stripe_events_type_created_idx ON stripe_events (type, stripe_created DESC);
CREATE INDEX stripe_events_account_idx ON stripe_events (account) WHERE account IS NOT NULL;

-- Work that must become a JobRunr job. Written in the same transaction as the fact it is about,
-- because JobRunr's free edition cannot join our transaction; the worker's relay turns each row into
-- a job with an id derived from (kind, ref) and deletes it once JobRunr has stored the job.
CREATE TABLE outbox (
    id         bigserial   PRIMARY KEY,
    kind       text        NOT NULL,
    ref        text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
