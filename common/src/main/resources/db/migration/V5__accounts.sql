-- People who use Koomy (P1). Email is the login, kept lower-case; only an argon2id hash of the
-- password is stored. Platform operators are accounts flagged by `ops/koomy operator grant`.
CREATE TABLE accounts (
    id                  uuid        PRIMARY KEY,
    email               text        NOT NULL UNIQUE CHECK (email = lower(email)),
    name                text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    locale              text        NOT NULL DEFAULT 'fr' CHECK (locale IN ('fr', 'en')),
    password_hash       text        NOT NULL,
    email_verified_at   timestamptz,
    platform_operator   boolean     NOT NULL DEFAULT false,
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- One-time tokens sent by email (password reset, email verification). Only a SHA-256 of the token
-- is stored: a database leak does not hand out working links.
CREATE TABLE account_tokens (
    token_hash  bytea       PRIMARY KEY,
    account_id  uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purpose     text        NOT NULL CHECK (purpose IN ('password_reset', 'email_verification')),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX account_tokens_account_idx ON account_tokens (account_id, purpose);
