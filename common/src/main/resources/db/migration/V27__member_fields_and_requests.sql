-- Issue 21, the secretary's work on members.
--
-- 1. Profile fields a community defines (key, label, type, choices, required, visibility), in the order
--    given. A member's values live on the membership as one jsonb object {key: text}, so the directory
--    page and the CSV export read them with the row they already read (no per-field join); the GIN index
--    serves the directory's field filters (fields @> '{"key": "value"}'). Replacing the definitions keeps
--    the values of the keys kept and deletes those of the keys removed (MemberFields.replace).
CREATE TABLE member_fields (
    community_id uuid    NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    key          text    NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
    position     integer NOT NULL CHECK (position BETWEEN 0 AND 29),
    label        text    NOT NULL CHECK (char_length(label) BETWEEN 1 AND 100),
    type         text    NOT NULL CHECK (type IN ('text', 'choice', 'date', 'phone')),
    choices      jsonb   NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(choices) = 'array'),
    required     boolean NOT NULL DEFAULT false,
    visibility   text    NOT NULL DEFAULT 'admins' CHECK (visibility IN ('admins', 'members')),
    PRIMARY KEY (community_id, key),
    UNIQUE (community_id, position)
);

ALTER TABLE memberships ADD COLUMN fields jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(fields) = 'object');

CREATE INDEX memberships_fields_idx ON memberships USING gin (fields jsonb_path_ops);

-- 2. Requests to join a community that approves its members. Joining such a community makes a pending
--    membership and its pending request in one transaction; an admin approves (the membership becomes
--    active) or refuses (the pending membership is deleted); the request stays as the record of the
--    decision, so deciding twice is a 409. At most one pending request per member and community.
CREATE TABLE membership_requests (
    id           uuid        PRIMARY KEY,
    community_id uuid        NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    account_id   uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status       text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'refused', 'withdrawn')),
    message      text        CHECK (char_length(message) <= 1000),
    requested_at timestamptz NOT NULL DEFAULT now(),
    decided_at   timestamptz,
    decided_by   uuid        REFERENCES accounts (id) ON DELETE SET NULL,
    CHECK ((status = 'pending') = (decided_at IS NULL))
);

CREATE UNIQUE INDEX membership_requests_one_pending_idx ON membership_requests (community_id, account_id)
    WHERE status = 'pending';
-- The pending list, oldest first (keyset).
CREATE INDEX membership_requests_pending_idx ON membership_requests (community_id, requested_at, id)
    WHERE status = 'pending';
CREATE INDEX membership_requests_account_idx ON membership_requests (account_id);
CREATE INDEX membership_requests_decided_by_idx ON membership_requests (decided_by);

-- Memberships pending before this migration get their request.
INSERT INTO membership_requests (id, community_id, account_id, requested_at)
SELECT gen_random_uuid(), community_id, account_id, joined_at FROM memberships WHERE status = 'pending';

-- A pending membership that stops being pending by another way than the request routes (approved through
-- PATCH .../members/{id}, an accepted invitation, removed, left, its account deleted) closes its request,
-- whatever code path did it: 'approved' when it became active, 'withdrawn' when it was deleted. The
-- request routes decide the request first, so the trigger then finds nothing pending.
CREATE FUNCTION memberships_close_requests() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE membership_requests SET status = 'withdrawn', decided_at = now()
         WHERE community_id = OLD.community_id AND account_id = OLD.account_id AND status = 'pending';
    ELSIF OLD.status = 'pending' AND NEW.status <> 'pending' THEN
        UPDATE membership_requests SET status = 'approved', decided_at = now()
         WHERE community_id = NEW.community_id AND account_id = NEW.account_id AND status = 'pending';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER memberships_close_requests AFTER UPDATE OF status OR DELETE ON memberships
    FOR EACH ROW EXECUTE FUNCTION memberships_close_requests();
