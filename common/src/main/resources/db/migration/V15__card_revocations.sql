-- Revoked membership cards (issue 17). A card is signed, not looked up: one signed before its holder
-- was removed (or left) would verify offline until it expires, 7 days at most (MembershipCards.TTL).
-- A removal writes a row here in its own transaction; the online check (POST .../cards/verify) looks
-- at the membership itself, offline verifiers download the list (GET .../cards/revocations). A row is
-- needed until every card signed before `revoked_at` has expired (`listed_until`), then it goes.
CREATE TABLE card_revocations (
    community_id uuid        NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    account_id   uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    revoked_at   timestamptz NOT NULL,
    listed_until timestamptz NOT NULL,
    PRIMARY KEY (community_id, account_id)
);
