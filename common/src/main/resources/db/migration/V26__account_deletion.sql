-- "Delete my account" (issue 21, GDPR art. 17). The account row is never deleted: payments, receipts and
-- news posts keep pointing at it (French accounting law keeps payments 10 years), so erasure pseudonymises
-- it in place (name, email, password) and erases or deletes the rest of what is about the person.
--   deletion_requested_at / erase_after: set by DELETE /api/me, cleared by a restore in the grace period;
--   erasure_started_at: the erasure job claimed the account (a restore is refused from then on);
--   erasure_cursor_id: how far the job's keyset pass over emails (in id order) got: a killed run resumes there;
--   erased_at: done.
ALTER TABLE accounts ADD COLUMN deletion_requested_at timestamptz;
ALTER TABLE accounts ADD COLUMN erase_after timestamptz;
ALTER TABLE accounts ADD COLUMN erasure_started_at timestamptz;
ALTER TABLE accounts ADD COLUMN erasure_cursor_id uuid;
ALTER TABLE accounts ADD COLUMN erased_at timestamptz;
ALTER TABLE accounts ADD CONSTRAINT accounts_deletion_check
    CHECK ((deletion_requested_at IS NULL) = (erase_after IS NULL)
       AND (erasure_started_at IS NULL OR erase_after IS NOT NULL)
       AND (erased_at IS NULL OR erasure_started_at IS NOT NULL));

-- The erasure job's work list: accounts whose deletion is requested and not finished.
CREATE INDEX accounts_erasure_due_idx ON accounts (erase_after, id) WHERE erase_after IS NOT NULL AND erased_at IS NULL;

-- Every step of a deletion (who, when, what), read by the account holder (GET /api/me/deletion) and by
-- operators (GET /api/ops/accounts/{accountId}/deletion). Holds no personal data beyond the account id.
CREATE TABLE account_deletion_log (
    id          bigserial   PRIMARY KEY,
    account_id  uuid        NOT NULL REFERENCES accounts (id),
    step        text        NOT NULL CHECK (step IN ('requested', 'memberships_ended', 'sessions_revoked', 'cancelled',
                                                     'erasure_started', 'emails_erased', 'erased')),
    actor       text        NOT NULL CHECK (actor IN ('account', 'operator', 'system')),
    details     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    at          timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX account_deletion_log_account_idx ON account_deletion_log (account_id, id);

-- The erasure deletes the person's rows by address in these two tables, whose keys start with another column.
CREATE INDEX newsletter_recipients_email_idx ON newsletter_recipients (email);
CREATE INDEX newsletter_unsubscribes_email_idx ON newsletter_unsubscribes (email);
CREATE INDEX invitations_email_idx ON invitations (email);
CREATE INDEX media_avatar_target_idx ON media (target_id) WHERE target_kind = 'member_avatar';
