-- Members' own account (issue 21): changing one's email address and exporting one's data.

-- A change of email is a one-time token like the others, sent to the new address; the address it
-- confirms travels with it (the change applies only when the token is used).
ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_purpose_check;
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_purpose_check
    CHECK (purpose IN ('password_reset', 'email_verification', 'email_change'));
ALTER TABLE account_tokens ADD COLUMN new_email text CHECK (new_email = lower(new_email));
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_email_change_check
    CHECK ((purpose = 'email_change') = (new_email IS NOT NULL));

-- "Export my data" (GDPR articles 15 and 20): a worker builds the archive; its owner downloads it once,
-- through a short-lived link minted on request (only the link token's SHA-256 is kept). The archive is
-- erased when downloaded, and when a new export is asked for.
CREATE TABLE account_exports (
    id              uuid        PRIMARY KEY,
    account_id      uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ready', 'downloaded', 'expired')),
    archive         jsonb,
    link_hash       bytea,
    link_expires_at timestamptz,
    requested_at    timestamptz NOT NULL DEFAULT now(),
    ready_at        timestamptz,
    downloaded_at   timestamptz,
    CHECK ((status = 'ready') = (archive IS NOT NULL))
);

CREATE INDEX account_exports_account_idx ON account_exports (account_id, requested_at DESC);
