-- Indexes for the retention jobs (issue 23), built CONCURRENTLY: writers keep writing while they
-- build (SHARE UPDATE EXCLUSIVE, not the SHARE lock of a plain CREATE INDEX). CONCURRENTLY cannot run
-- in a transaction, hence this migration of its own, outside one (V30__retention_indexes.sql.conf:
-- executeInTransaction=false; the rule in docs/operations.md, "Safe migrations"). A build interrupted
-- half-way leaves an INVALID index: each one is dropped first, so that re-running the migration (after
-- `flyway repair`) starts clean.
--
-- A concurrent build waits for every transaction older than itself and, on a large table, runs for
-- minutes: neither holds writers up, so this migration lifts the migration timeouts for itself and
-- puts them back at the end (same session: Flyway runs every migration on one connection).
SET lock_timeout = 0;
SET statement_timeout = 0;

-- sendgrid_events: the oldest first, by our clock (one entry per stored event).
DROP INDEX CONCURRENTLY IF EXISTS sendgrid_events_received_idx;
CREATE INDEX CONCURRENTLY sendgrid_events_received_idx ON sendgrid_events (received_at);

-- email_suppressions: the SendGrid event behind a suppression is kept (a group resubscribe compares
-- its group and time with it), and retention looks that up for each candidate event.
DROP INDEX CONCURRENTLY IF EXISTS email_suppressions_sg_event_idx;
CREATE INDEX CONCURRENTLY email_suppressions_sg_event_idx ON email_suppressions (sg_event_id) WHERE sg_event_id IS NOT NULL;

-- emails whose rendered bodies are still stored, oldest first; a purged row leaves the index.
DROP INDEX CONCURRENTLY IF EXISTS emails_bodies_kept_idx;
CREATE INDEX CONCURRENTLY emails_bodies_kept_idx ON emails (created_at)
    WHERE html_body IS NOT NULL OR text_body IS NOT NULL;

-- account_tokens: spent (used or expired) tokens.
DROP INDEX CONCURRENTLY IF EXISTS account_tokens_expires_idx;
CREATE INDEX CONCURRENTLY account_tokens_expires_idx ON account_tokens (expires_at);
DROP INDEX CONCURRENTLY IF EXISTS account_tokens_used_idx;
CREATE INDEX CONCURRENTLY account_tokens_used_idx ON account_tokens (used_at) WHERE used_at IS NOT NULL;

-- events by end: the events whose scans have outlived their retention.
DROP INDEX CONCURRENTLY IF EXISTS events_ends_idx;
CREATE INDEX CONCURRENTLY events_ends_idx ON events (ends_at);

SET lock_timeout = '${lockTimeout}';
SET statement_timeout = '${statementTimeout}';
