-- Retention of the addresses and variables of settled emails (issue 23; docs/operations.md, "Data
-- retention"): when the retention job replaced them, as bodies_purged_at (V29) tells when the bodies went.
-- A nullable column without a default: no table rewrite, ACCESS EXCLUSIVE on emails for an instant, and
-- the migration's lock_timeout makes it give up rather than queue writers behind a long transaction.
ALTER TABLE emails ADD COLUMN addresses_purged_at timestamptz;
