-- The treasurer's work (issue 21): payments made outside Stripe, numbered receipts, refunds asked from
-- the API. docs/architecture.md, "Treasurer", says why the tables look like this.

-- A payment is by card (through Stripe: it has a payment intent and an account) or recorded by a manager
-- (cash, cheque, bank transfer: no Stripe ids). A recorded payment can be voided; a card payment is refunded.
ALTER TABLE payments ADD COLUMN method text NOT NULL DEFAULT 'card'
    CHECK (method IN ('card', 'cash', 'cheque', 'transfer'));
ALTER TABLE payments ALTER COLUMN stripe_account DROP NOT NULL;
ALTER TABLE payments ALTER COLUMN payment_intent_id DROP NOT NULL;
ALTER TABLE payments ADD CONSTRAINT payments_method_stripe_check
    CHECK ((method = 'card') = (payment_intent_id IS NOT NULL AND stripe_account IS NOT NULL));
ALTER TABLE payments DROP CONSTRAINT payments_status_check;
ALTER TABLE payments ADD CONSTRAINT payments_status_check
    CHECK (status IN ('failed', 'succeeded', 'partially_refunded', 'refunded', 'void'));
ALTER TABLE payments ADD CONSTRAINT payments_void_check CHECK (status <> 'void' OR method <> 'card');
-- What the manager wrote down (a cheque number, a transfer reference) and who recorded or voided it.
ALTER TABLE payments ADD COLUMN reference text CHECK (char_length(reference) <= 200);
ALTER TABLE payments ADD COLUMN recorded_by uuid REFERENCES accounts (id) ON DELETE SET NULL;
ALTER TABLE payments ADD COLUMN voided_at timestamptz;
ALTER TABLE payments ADD COLUMN voided_by uuid REFERENCES accounts (id) ON DELETE SET NULL;
ALTER TABLE payments ADD COLUMN void_reason text CHECK (char_length(void_reason) <= 500);
-- The client's idempotency key for a recorded payment (Idempotency-Key header or clientReference): a
-- retried request finds the payment its first attempt made.
ALTER TABLE payments ADD COLUMN client_reference text CHECK (char_length(client_reference) BETWEEN 1 AND 100);
CREATE UNIQUE INDEX payments_client_reference_idx ON payments (community_id, client_reference)
    WHERE client_reference IS NOT NULL;
-- Filters of the payments list and the yearly summary (method, status, member, period).
CREATE INDEX payments_community_paid_idx ON payments (community_id, paid_at);

-- Receipts, numbered R-<year>-<seq> per community and calendar year of the payment, without gaps: the
-- counter row is incremented in the transaction that issues the receipt (its row lock orders concurrent
-- issuers; a rolled-back issue gives its number back). A voided payment's receipt stays, marked void:
-- a number is never issued twice.
CREATE TABLE receipt_counters (
    community_id uuid    NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    year         integer NOT NULL,
    last_number  integer NOT NULL CHECK (last_number >= 1),
    PRIMARY KEY (community_id, year)
);

CREATE TABLE receipts (
    payment_id   uuid        PRIMARY KEY REFERENCES payments (id) ON DELETE CASCADE,
    community_id uuid        NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    year         integer     NOT NULL,
    number       integer     NOT NULL CHECK (number >= 1),
    status       text        NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'void')),
    issued_at    timestamptz NOT NULL DEFAULT now(),
    voided_at    timestamptz,
    UNIQUE (community_id, year, number)
);

-- A refund asked through the API. Its id is the idempotency key of the Stripe call; the client's
-- Idempotency-Key (unique per payment) makes a retried request find it. The payment's refunded total
-- changes only when Stripe's charge.refunded arrives.
CREATE TABLE payment_refunds (
    id               uuid        PRIMARY KEY,
    payment_id       uuid        NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
    community_id     uuid        NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    amount           bigint      NOT NULL CHECK (amount >= 1),
    reason           text        CHECK (reason IN ('duplicate', 'fraudulent', 'requested_by_customer')),
    client_key       text        NOT NULL CHECK (char_length(client_key) BETWEEN 1 AND 100),
    stripe_refund_id text        UNIQUE,
    -- requested: Stripe not answered yet; then Stripe's refund status (pending, succeeded, failed...).
    status           text        NOT NULL DEFAULT 'requested',
    requested_by     uuid        REFERENCES accounts (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (payment_id, client_key)
);

-- The secretary's attendee list (issue 21): a confirmed seat whose holder did not come, marked by an
-- owner or admin (kept apart from the status: the seat stays confirmed, its QR still admits at the door
-- and an admission clears the mark's meaning); the list in registration order, keyset (created_at, id).
ALTER TABLE tickets ADD COLUMN no_show_at timestamptz;
CREATE INDEX tickets_event_created_idx ON tickets (event_id, created_at, id);
