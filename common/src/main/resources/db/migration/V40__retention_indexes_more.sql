-- Indexes for the retention families added after V30 (issue 23): each batch picks its oldest eligible
-- rows through one of these instead of scanning the table. Built CONCURRENTLY, as V30 and V34: outside
-- a transaction (V40__retention_indexes_more.sql.conf), each index dropped first so that a re-run after
-- an interrupted build starts clean, migration timeouts lifted for the build and put back at the end.
SET lock_timeout = 0;
SET statement_timeout = 0;

-- emails whose addresses and variables are still stored, oldest first; a purged row leaves the index.
DROP INDEX CONCURRENTLY IF EXISTS emails_addresses_kept_idx;
CREATE INDEX CONCURRENTLY emails_addresses_kept_idx ON emails (created_at) WHERE addresses_purged_at IS NULL;

-- dues_checkouts oldest first, and "was this checkout paid?" (payments.checkout_id had no index).
DROP INDEX CONCURRENTLY IF EXISTS dues_checkouts_created_idx;
CREATE INDEX CONCURRENTLY dues_checkouts_created_idx ON dues_checkouts (created_at);
DROP INDEX CONCURRENTLY IF EXISTS payments_checkout_idx;
CREATE INDEX CONCURRENTLY payments_checkout_idx ON payments (checkout_id) WHERE checkout_id IS NOT NULL;

-- membership_requests decided (approved, refused) or withdrawn, by their decision.
DROP INDEX CONCURRENTLY IF EXISTS membership_requests_decided_idx;
CREATE INDEX CONCURRENTLY membership_requests_decided_idx ON membership_requests (decided_at)
    WHERE status <> 'pending';

-- invitations never accepted, by expiry; accepted ones, by acceptance.
DROP INDEX CONCURRENTLY IF EXISTS invitations_expires_idx;
CREATE INDEX CONCURRENTLY invitations_expires_idx ON invitations (expires_at) WHERE accepted_at IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS invitations_accepted_idx;
CREATE INDEX CONCURRENTLY invitations_accepted_idx ON invitations (accepted_at) WHERE accepted_at IS NOT NULL;

-- content_budget_usage by day (its key starts with the community).
DROP INDEX CONCURRENTLY IF EXISTS content_budget_usage_day_idx;
CREATE INDEX CONCURRENTLY content_budget_usage_day_idx ON content_budget_usage (day);

SET lock_timeout = '${lockTimeout}';
SET statement_timeout = '${statementTimeout}';
