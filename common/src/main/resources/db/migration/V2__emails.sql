-- Every email the platform sends is a row here first (P8): recorded in the caller's transaction
-- with an outbox entry, delivered by a job. Newsletter batches are emails too (up to 1,000
-- recipients each), released a few at a time so they never crowd transactional mail out.

CREATE TABLE newsletters (
    id               uuid        PRIMARY KEY,
    community_id     uuid        NOT NULL,   -- FK to communities comes with the communities issue
    community_name   text,
    idempotency_key  text        NOT NULL UNIQUE,
    locale           text        NOT NULL CHECK (locale IN ('fr', 'en')),
    subject          text        NOT NULL,
    body             text        NOT NULL,   -- plain text / Markdown written by the community's admins
    status           text        NOT NULL DEFAULT 'queued'
                                 CHECK (status IN ('queued', 'sending', 'sent')),
    recipients_total integer,
    batches_total    integer,
    created_at       timestamptz NOT NULL DEFAULT now(),
    fanned_out_at    timestamptz
);

-- The audience, snapshotted when the newsletter is queued (later: copied from memberships).
CREATE TABLE newsletter_recipients (
    newsletter_id uuid NOT NULL REFERENCES newsletters (id) ON DELETE CASCADE,
    email         text NOT NULL CHECK (email = lower(email)),
    name          text,
    PRIMARY KEY (newsletter_id, email)
);

CREATE TABLE emails (
    id                  uuid        PRIMARY KEY,
    idempotency_key     text        NOT NULL UNIQUE,
    community_id        uuid,
    template            text        NOT NULL,
    locale              text        NOT NULL CHECK (locale IN ('fr', 'en')),
    -- [{"email": "...", "name": "..."}]: one for transactional mail, up to 1,000 for a batch
    recipients          jsonb       NOT NULL CHECK (jsonb_typeof(recipients) = 'array'),
    variables           jsonb       NOT NULL DEFAULT '{}'::jsonb,
    bulk                boolean     NOT NULL DEFAULT false,
    newsletter_id       uuid        REFERENCES newsletters (id),
    batch_no            integer,
    -- a newsletter batch waits (held) until fewer than the window of its newsletter are in flight
    held                boolean     NOT NULL DEFAULT false,
    status              text        NOT NULL DEFAULT 'queued'
                                    CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'suppressed')),
    provider            text        CHECK (provider IN ('sendgrid', 'sink')),
    provider_message_id text,
    attempts            integer     NOT NULL DEFAULT 0,
    last_error          text,
    -- while 'sending': until when the attempt in flight owns the row; after it, the attempt is
    -- presumed dead (crash between the provider's accept and our bookkeeping)
    lease_until         timestamptz,
    subject             text,
    html_body           text,
    text_body           text,
    suppressed          jsonb,      -- recipients left out because they bounced or unsubscribed
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    sent_at             timestamptz,
    UNIQUE (newsletter_id, batch_no)
);

-- Operators page through the outbox newest first, optionally by status.
CREATE INDEX emails_created_idx ON emails (created_at DESC, id);
CREATE INDEX emails_status_created_idx ON emails (status, created_at DESC);
CREATE INDEX emails_held_idx ON emails (newsletter_id, batch_no) WHERE held;
