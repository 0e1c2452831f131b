-- Communities (tenants) and who belongs to them (issue 4). Every query on tenant data is scoped by
-- community_id and checked against the caller's membership; see docs/architecture.md.
CREATE TABLE communities (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    -- For public URLs; derived from the name at creation and never changed by PATCH.
    slug        text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(slug) <= 80),
    description text        NOT NULL DEFAULT '' CHECK (char_length(description) <= 5000),
    visibility  text        NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'private')),
    join_policy text        NOT NULL DEFAULT 'open' CHECK (join_policy IN ('open', 'approval')),
    locale      text        NOT NULL DEFAULT 'fr' CHECK (locale IN ('fr', 'en')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per (community, account). 'pending' waits for an admin's approval; 'expired' is for dues
-- (a later issue). The last active owner can neither leave nor be demoted: writes that change roles
-- lock the community's owner rows (SELECT ... FOR UPDATE) first.
CREATE TABLE memberships (
    community_id    uuid        NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    account_id      uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role            text        NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member')),
    status          text        NOT NULL DEFAULT 'active' CHECK (status IN ('pending', 'active', 'expired')),
    dues_paid_until date,
    joined_at       timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (community_id, account_id)
);

-- "My communities".
CREATE INDEX memberships_account_idx ON memberships (account_id);
-- The member directory filters by status and role within a community...
CREATE INDEX memberships_directory_idx ON memberships (community_id, status, role);
-- ...and pages in (lower(name), id) order, the keyset of its cursor.
CREATE INDEX accounts_name_keyset_idx ON accounts (lower(name), id);
-- "My communities" pages in (lower(name), id) order.
CREATE INDEX communities_name_keyset_idx ON communities (lower(name), id);
