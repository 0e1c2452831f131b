-- Deliveries that wait (rate-limit token, 429, backoff after a provider failure) wait in emails itself
-- (issue 20): EmailPacer looks up the rows whose retry_at has come, transactional first, and the attempts
-- that died past their lease. These two partial indexes keep that look-up to the few rows concerned.
CREATE INDEX emails_paced_idx ON emails (bulk, retry_at) WHERE status = 'queued' AND retry_at IS NOT NULL;
CREATE INDEX emails_lease_idx ON emails (lease_until) WHERE status = 'sending' AND lease_until IS NOT NULL;

-- Dues reminders go out in batch emails (one provider request for up to 1,000 members of a community,
-- each member's name substituted in their copy): "once per member and period" is this row, claimed in the
-- transaction that queues the batch (it was the idempotency key of one email per member).
CREATE TABLE dues_reminders (
    community_id uuid        NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    account_id   uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    paid_until   date        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (community_id, account_id, paid_until)
);

-- The reminders already queued one per member (dues-reminder:<community>:<account>:<paid until>) count.
INSERT INTO dues_reminders (community_id, account_id, paid_until, created_at)
SELECT k.community_id, k.account_id, k.paid_until, k.created_at
  FROM (SELECT CAST(split_part(idempotency_key, ':', 2) AS uuid) AS community_id,
               CAST(split_part(idempotency_key, ':', 3) AS uuid) AS account_id,
               CAST(split_part(idempotency_key, ':', 4) AS date) AS paid_until, created_at
          FROM emails WHERE idempotency_key LIKE 'dues-reminder:%') k
 WHERE EXISTS (SELECT 1 FROM communities c WHERE c.id = k.community_id)
   AND EXISTS (SELECT 1 FROM accounts a WHERE a.id = k.account_id)
ON CONFLICT DO NOTHING;
