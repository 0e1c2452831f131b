-- Dues through Stripe Connect and plans through Stripe Billing (issue 6). Every fact that a Stripe
-- event creates is keyed by Stripe's own id under a UNIQUE constraint, so a second application of the
-- same event (a redelivery, a replay, a reconciliation that finds it again) cannot write it twice.

-- A community's Stripe Connect Express account and its state as of the last account.updated (re-fetched
-- from Stripe, so the row follows Stripe's current state, not the order events arrived in).
CREATE TABLE stripe_connect_accounts (
    community_id      uuid        PRIMARY KEY REFERENCES communities (id) ON DELETE CASCADE,
    account_id        text        NOT NULL UNIQUE CHECK (account_id ~ '^acct_[A-Za-z0-9]+$'),
    charges_enabled   boolean     NOT NULL DEFAULT false,
    payouts_enabled   boolean     NOT NULL DEFAULT false,
    details_submitted boolean     NOT NULL DEFAULT false,
    requirements_due  jsonb       NOT NULL DEFAULT '[]',
    disabled_reason   text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    synced_at         timestamptz
);

-- What a community charges as dues: one or more tiers. Amounts in the currency's minor unit (cents).
CREATE TABLE dues_tiers (
    id           uuid        PRIMARY KEY,
    community_id uuid        NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    name         text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    amount       bigint      NOT NULL CHECK (amount BETWEEN 50 AND 100000000),
    currency     text        NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
    -- yearly: paid until the end of the calendar year; rolling_year: one year from the later of today
    -- and the current paid-until; custom: paid until period_end.
    period       text        NOT NULL CHECK (period IN ('yearly', 'rolling_year', 'custom')),
    period_start date,
    period_end   date,
    active       boolean     NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (period <> 'custom' OR (period_start IS NOT NULL AND period_end IS NOT NULL AND period_end > period_start))
);
CREATE INDEX dues_tiers_community_idx ON dues_tiers (community_id, active, created_at);

-- A Checkout session we created on a community's connected account (direct charge). Its id is the
-- idempotency key of the Stripe call and travels in the session's and payment intent's metadata.
CREATE TABLE dues_checkouts (
    id              uuid        PRIMARY KEY,
    community_id    uuid        NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    account_id      uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    tier_id         uuid        NOT NULL REFERENCES dues_tiers (id),
    stripe_account  text        NOT NULL,
    amount          bigint      NOT NULL,
    currency        text        NOT NULL,
    application_fee bigint      NOT NULL,
    session_id      text        UNIQUE,
    url             text,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dues_checkouts_member_idx ON dues_checkouts (community_id, account_id, created_at DESC);

-- One row per payment intent (checkout.session.completed and payment_intent.succeeded both name it:
-- whichever comes first creates the row, the other finds it). Status only moves forward:
-- failed -> succeeded -> partially_refunded -> refunded; amount_refunded only grows.
CREATE TABLE payments (
    id                  uuid        PRIMARY KEY,
    community_id        uuid        NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    account_id          uuid        NOT NULL REFERENCES accounts (id),
    checkout_id         uuid        REFERENCES dues_checkouts (id),
    tier_id             uuid        REFERENCES dues_tiers (id),
    description         text        NOT NULL DEFAULT '',
    stripe_account      text        NOT NULL,
    payment_intent_id   text        NOT NULL UNIQUE,
    checkout_session_id text        UNIQUE,
    charge_id           text        UNIQUE,
    amount              bigint      NOT NULL,
    application_fee     bigint      NOT NULL DEFAULT 0,
    currency            text        NOT NULL,
    amount_refunded     bigint      NOT NULL DEFAULT 0,
    status              text        NOT NULL CHECK (status IN ('failed', 'succeeded', 'partially_refunded', 'refunded')),
    failure_message     text,
    paid_at             timestamptz,
    refunded_at         timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
-- Transaction history: per community and per member, newest first (keyset on created_at, id).
CREATE INDEX payments_community_idx ON payments (community_id, created_at DESC, id DESC);
CREATE INDEX payments_member_idx ON payments (account_id, community_id, created_at DESC, id DESC);

-- The paid-until extension a payment made: at most one per payment (the primary key), so a payment
-- applied twice cannot extend a membership twice. rolled_back_at is set when a full refund undid it.
CREATE TABLE dues_extensions (
    payment_id     uuid        PRIMARY KEY REFERENCES payments (id) ON DELETE CASCADE,
    community_id   uuid        NOT NULL,
    account_id     uuid        NOT NULL,
    paid_until_before date,
    paid_until_after  date     NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    rolled_back_at timestamptz
);
CREATE INDEX dues_extensions_member_idx ON dues_extensions (community_id, account_id);
CREATE INDEX dues_reminders_idx ON memberships (dues_paid_until) WHERE status = 'active' AND dues_paid_until IS NOT NULL;

-- A community's plan (Stripe Billing). No row: the free plan. Kept current from the subscription as
-- re-fetched from Stripe while this row is locked, so concurrent events cannot write an older state last.
CREATE TABLE community_subscriptions (
    community_id         uuid        PRIMARY KEY REFERENCES communities (id) ON DELETE CASCADE,
    plan                 text        NOT NULL DEFAULT 'free',
    stripe_customer_id   text        UNIQUE,
    subscription_id      text        UNIQUE,
    price_id             text,
    status               text,
    current_period_end   timestamptz,
    cancel_at_period_end boolean     NOT NULL DEFAULT false,
    latest_invoice_id     text,
    latest_invoice_status text,
    synced_at            timestamptz,
    updated_at           timestamptz NOT NULL DEFAULT now()
);

-- Events refused on purpose (metadata naming another community than the account's, livemode
-- mismatch, unknown connected account) are kept with the reason in last_error, never applied.
ALTER TABLE stripe_events DROP CONSTRAINT stripe_events_status_check;
ALTER TABLE stripe_events ADD CONSTRAINT stripe_events_status_check
    CHECK (status IN ('received', 'processing', 'processed', 'failed', 'ignored', 'refused'));
-- How the event reached us: Stripe's webhook, or our reconciliation through the Events API.
ALTER TABLE stripe_events ADD COLUMN source text NOT NULL DEFAULT 'webhook' CHECK (source IN ('webhook', 'reconciliation'));

-- Where reconciliation stopped, per scope ('platform' or a connected account id).
CREATE TABLE stripe_reconcile_cursors (
    scope        text        PRIMARY KEY,
    last_created timestamptz NOT NULL,
    last_run_at  timestamptz NOT NULL DEFAULT now(),
    ingested     bigint      NOT NULL DEFAULT 0
);
