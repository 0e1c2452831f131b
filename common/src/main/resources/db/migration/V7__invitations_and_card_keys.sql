-- Invitations by email and membership card keys (issue 4).

-- One-time invitation links. Only a SHA-256 of the token is stored (as for account_tokens): a
-- database leak does not hand out working links. `id` names an invitation in the API without
-- revealing anything about its token. Inviting the same address again replaces its pending
-- invitation (the old link stops working), hence the partial unique index.
CREATE TABLE invitations (
    token_hash   bytea       PRIMARY KEY,
    id           uuid        NOT NULL UNIQUE,
    community_id uuid        NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    email        text        NOT NULL CHECK (email = lower(email)),
    role         text        NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'admin')),
    invited_by   uuid        REFERENCES accounts (id) ON DELETE SET NULL,
    expires_at   timestamptz NOT NULL,
    accepted_at  timestamptz,
    accepted_by  uuid        REFERENCES accounts (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX invitations_pending_idx ON invitations (community_id, email) WHERE accepted_at IS NULL;

-- Each community's Ed25519 key pair for membership cards, made on first use. The public key is
-- X.509 DER; the private key PKCS#8 DER encrypted with AES-256-GCM under KOOMY_CARD_KEY_SECRET (the
-- key-encryption key, never stored here), with the community id as additional authenticated data
-- so that a ciphertext copied to another community's row does not decrypt.
CREATE TABLE community_keys (
    community_id      uuid        PRIMARY KEY REFERENCES communities (id) ON DELETE CASCADE,
    public_key        bytea       NOT NULL,
    private_key_nonce bytea       NOT NULL CHECK (length(private_key_nonce) = 12),
    private_key_enc   bytea       NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now()
);
