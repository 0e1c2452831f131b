-- Payments, receipts and refunds are accounting records: French law keeps them 10 years (Code de commerce,
-- art. L123-22), whatever happens to the community they belong to (issue 23). Their foreign keys to
-- communities cascaded (V11, V18): deleting a community row, by hand or by a later feature, would have
-- deleted its books with it. They now refuse (RESTRICT): a community row goes only once the payments
-- retention job (RetentionFamily.PAYMENTS, 10 years after the end of their last year) has removed them.
-- PurgeCommunity never deletes the row (it anonymises it); it now keeps the name the records were issued
-- under in name_before_purge, since the row's own name becomes "Deleted community".
--
-- Outside a transaction (V35__...sql.conf), so that every statement commits on its own and holds its lock
-- only for itself (docs/operations.md, "Safe migrations"):
--   * ADD ... NOT VALID: SHARE ROW EXCLUSIVE on both tables for an instant (no scan of existing rows);
--   * DROP CONSTRAINT: ACCESS EXCLUSIVE for an instant; the new key exists already, so no moment without one;
--   * VALIDATE: SHARE UPDATE EXCLUSIVE, which writers do not wait for, while it scans.
-- Each step can run again after an interruption (`flyway repair`, then migrate).

ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_community_kept_fkey;
ALTER TABLE payments ADD CONSTRAINT payments_community_kept_fkey
    FOREIGN KEY (community_id) REFERENCES communities (id) ON DELETE RESTRICT NOT VALID;
ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_community_id_fkey;
ALTER TABLE payments VALIDATE CONSTRAINT payments_community_kept_fkey;

ALTER TABLE receipts DROP CONSTRAINT IF EXISTS receipts_community_kept_fkey;
ALTER TABLE receipts ADD CONSTRAINT receipts_community_kept_fkey
    FOREIGN KEY (community_id) REFERENCES communities (id) ON DELETE RESTRICT NOT VALID;
ALTER TABLE receipts DROP CONSTRAINT IF EXISTS receipts_community_id_fkey;
ALTER TABLE receipts VALIDATE CONSTRAINT receipts_community_kept_fkey;

ALTER TABLE payment_refunds DROP CONSTRAINT IF EXISTS payment_refunds_community_kept_fkey;
ALTER TABLE payment_refunds ADD CONSTRAINT payment_refunds_community_kept_fkey
    FOREIGN KEY (community_id) REFERENCES communities (id) ON DELETE RESTRICT NOT VALID;
ALTER TABLE payment_refunds DROP CONSTRAINT IF EXISTS payment_refunds_community_id_fkey;
ALTER TABLE payment_refunds VALIDATE CONSTRAINT payment_refunds_community_kept_fkey;

-- The name the community's receipts were issued under, set by PurgeCommunity when it renames the row.
ALTER TABLE communities ADD COLUMN IF NOT EXISTS name_before_purge text;

-- The payments retention job takes the oldest payments first; its other conditions are checked per row.
SET lock_timeout = 0;
SET statement_timeout = 0;
DROP INDEX CONCURRENTLY IF EXISTS payments_created_idx;
CREATE INDEX CONCURRENTLY payments_created_idx ON payments (created_at);
SET lock_timeout = '${lockTimeout}';
SET statement_timeout = '${statementTimeout}';
