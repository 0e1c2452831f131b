-- Addresses we must not mail (issue 3). Filled from SendGrid's signed event webhook (or by an
-- operator, reason 'manual'); the sending pipeline reads it before every send. One row per address,
-- lower-cased by the database itself so that writes and lookups agree with this CHECK.
-- scope 'all' stops every email; 'bulk' stops newsletters and reminders but not transactional mail
-- (a receipt, a password reset) to someone who only unsubscribed.
CREATE TABLE email_suppressions (
    email       text        PRIMARY KEY CHECK (email = lower(email)),
    reason      text        NOT NULL
                CHECK (reason IN ('bounce', 'dropped', 'spamreport', 'unsubscribe', 'group_unsubscribe', 'manual')),
    scope       text        NOT NULL CHECK (scope IN ('all', 'bulk')),
    detail      text,
    sg_event_id text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Every SendGrid event as received. sg_event_id is SendGrid's id, so a redelivered batch inserts
-- nothing and changes no suppression. koomy_key is the custom arg we put on every message, to find
-- the message an event is about.
CREATE TABLE sendgrid_events (
    sg_event_id   text        PRIMARY KEY,
    event         text        NOT NULL,
    email         text        CHECK (email = lower(email)),
    koomy_key     text,
    sg_message_id text,
    occurred_at   timestamptz NOT NULL,
    payload       jsonb       NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now()
);

-- An operator asks "what happened to mail for this address / this message?"
CREATE INDEX sendgrid_events_email_idx ON sendgrid_events (email, occurred_at DESC);
CREATE INDEX sendgrid_events_koomy_key_idx ON sendgrid_events (koomy_key) WHERE koomy_key IS NOT NULL;
