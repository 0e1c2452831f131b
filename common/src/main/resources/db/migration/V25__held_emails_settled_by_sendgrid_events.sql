-- An attempt that may have died in SendGrid's hands is held in 'sending' with no lease (issue 20): it is
-- settled by the first SendGrid event carrying its koomy_key (sent), or sent again at retry_at if SendGrid's
-- webhook shows none for it while it brings processed events of mail taken since held_at
-- (InterruptedAttempts). retry_at NULL on a held row: an operator decides. Rows held before this version
-- were held for an operator, whatever their retry_at said then: they stay so.
ALTER TABLE emails ADD COLUMN held_at timestamptz;
UPDATE emails SET retry_at = NULL, held_at = updated_at WHERE status = 'sending' AND lease_until IS NULL;

-- EmailPacer looks the held rows up every second (few rows: a partial index).
CREATE INDEX emails_held_attempts_idx ON emails (retry_at) WHERE status = 'sending' AND lease_until IS NULL;

-- "Has SendGrid's webhook brought processed events since this email was held?" before a resend.
CREATE INDEX sendgrid_events_processed_idx ON sendgrid_events (occurred_at) WHERE event = 'processed';
