-- Events, tickets and check-in (issue 5). docs/architecture.md, "Events and check-in", says why the
-- tables look like this; the short version: a seat is a row of `tickets`, capacity is guarded by the
-- event row's lock and its counters, and an admission is the one row of `checkins` per ticket.

CREATE TABLE events (
    id                  uuid        PRIMARY KEY,
    community_id        uuid        NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    title               text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    description         text        NOT NULL DEFAULT '' CHECK (char_length(description) <= 20000),
    place               text        NOT NULL DEFAULT '' CHECK (char_length(place) <= 500),
    starts_at           timestamptz NOT NULL,
    ends_at             timestamptz NOT NULL,
    -- IANA name (Europe/Paris): how clients show the times; they are stored as instants.
    time_zone           text        NOT NULL,
    -- NULL: no limit.
    capacity            integer     CHECK (capacity BETWEEN 1 AND 1000000),
    -- 'members': active members register; 'public': any signed-in account (public communities only).
    visibility          text        NOT NULL DEFAULT 'members' CHECK (visibility IN ('members', 'public')),
    -- Seats one account may hold (1: one ticket per member; more: the member brings guests).
    tickets_per_account integer     NOT NULL DEFAULT 1 CHECK (tickets_per_account BETWEEN 1 AND 10),
    -- Paid events come with payments; until then every event is free.
    price_cents         integer     NOT NULL DEFAULT 0 CHECK (price_cents = 0),
    status              text        NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    -- Kept by every registration write while it holds this row's lock (SELECT ... FOR UPDATE), so
    -- `confirmed_count <= capacity` holds whatever the concurrency.
    confirmed_count     integer     NOT NULL DEFAULT 0 CHECK (confirmed_count >= 0),
    waitlisted_count    integer     NOT NULL DEFAULT 0 CHECK (waitlisted_count >= 0),
    created_by          uuid        REFERENCES accounts (id) ON DELETE SET NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    cancelled_at        timestamptz,
    CHECK (ends_at > starts_at),
    CHECK (capacity IS NULL OR confirmed_count <= capacity)
);

-- Upcoming (ascending) and past (descending) lists of a community, keyset (starts_at, id).
CREATE INDEX events_community_start_idx ON events (community_id, starts_at, id);

-- A seat: confirmed (it has a QR ticket), waitlisted (waiting for a seat, in created_at order) or
-- cancelled. `serial` is the QR generation: reissuing a ticket increments it, so older QR codes are
-- refused as revoked.
CREATE TABLE tickets (
    id           uuid        PRIMARY KEY,
    event_id     uuid        NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    account_id   uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    guest_name   text        CHECK (char_length(guest_name) BETWEEN 1 AND 200),
    status       text        NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    serial       integer     NOT NULL DEFAULT 1 CHECK (serial >= 1),
    created_at   timestamptz NOT NULL DEFAULT now(),
    confirmed_at timestamptz,
    cancelled_at timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- The waitlist in order, an account's seats at an event, the revocation list.
CREATE INDEX tickets_event_status_idx ON tickets (event_id, status, created_at, id);
CREATE INDEX tickets_account_idx ON tickets (account_id, event_id);

-- Who may scan at an event besides the community's owners and admins (granted per event).
CREATE TABLE event_staff (
    event_id   uuid        NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    account_id uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    granted_by uuid        REFERENCES accounts (id) ON DELETE SET NULL,
    granted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, account_id)
);

CREATE INDEX event_staff_account_idx ON event_staff (account_id);

-- The admission of a ticket: at most one row per ticket, whatever the number of gates, scans and
-- API instances (the primary key decides; INSERT ... ON CONFLICT). `scan_id` is the scan that
-- admitted it; `scans` counts the scans of this ticket after the admission.
CREATE TABLE checkins (
    ticket_id   uuid        PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    event_id    uuid        NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    scan_id     text        NOT NULL,
    gate        text        NOT NULL,
    admitted_at timestamptz NOT NULL,
    offline     boolean     NOT NULL DEFAULT false,
    scans       integer     NOT NULL DEFAULT 0
);

-- Live counts: admitted per event (and per gate), admitted in the last minute.
CREATE INDEX checkins_event_idx ON checkins (event_id, admitted_at);

-- Every scan decided for a ticket the signature vouched for, keyed by the scanner's nonce: a retry
-- with the same scan id reads the answer given the first time. `ticket_id` has no foreign key: a
-- wrong-event scan names another event's ticket. Scans whose QR does not verify are not stored.
CREATE TABLE checkin_scans (
    event_id      uuid        NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    scan_id       text        NOT NULL CHECK (char_length(scan_id) BETWEEN 1 AND 100),
    ticket_id     uuid        NOT NULL,
    gate          text        NOT NULL CHECK (char_length(gate) BETWEEN 1 AND 100),
    result        text        NOT NULL CHECK (result IN ('admitted', 'already_admitted', 'revoked', 'invalid',
                                                         'wrong_event', 'not_yet_valid', 'expired')),
    -- The admission this scan saw (its own, or the earlier one), null when not admitted.
    admitted_at   timestamptz,
    admitted_gate text,
    scanned_at    timestamptz NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    offline       boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (event_id, scan_id)
);

-- Scans in the last minute (live counts). received_at only grows, so a BRIN index finds the last
-- minute's pages and costs next to nothing per insert (a btree here was one more index entry a scan).
CREATE INDEX checkin_scans_received_idx ON checkin_scans USING brin (received_at) WITH (pages_per_range = 16);
