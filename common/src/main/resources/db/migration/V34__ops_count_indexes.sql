-- Counting without scanning (issue 23): the operators' sampler counts only the states a row passes
-- through or stops in for an operator (not the terminal ones, which grow without bound), each from a
-- partial index holding those rows alone: a few pages however large the table. The predicates are
-- the ones of OpsCountsDao's queries, word for word (the planner matches them). Terminal totals are
-- estimated from the planner's statistics instead (OpsCountsDao.estimatedByValue).
--
-- JobRunr's jobs table gets no index here: JobRunr creates it (schema jobrunr) at a worker's first
-- start, possibly after this migration, and already indexes state (jobrunr_state_idx), which serves
-- the same per-state count over the non-terminal states.
--
-- Built CONCURRENTLY, as V30: outside a transaction (V34__ops_count_indexes.sql.conf), each index
-- dropped first so a re-run after an interrupted build starts clean, migration timeouts lifted for
-- the build and put back at the end.
SET lock_timeout = 0;
SET statement_timeout = 0;

-- Stripe events waiting (received), retrying (processing) or needing an operator (failed, refused).
DROP INDEX CONCURRENTLY IF EXISTS stripe_events_open_idx;
CREATE INDEX CONCURRENTLY stripe_events_open_idx ON stripe_events (status, received_at)
    WHERE status IN ('received', 'processing', 'failed', 'refused');

-- Emails waiting (queued), in flight (sending) or failed.
DROP INDEX CONCURRENTLY IF EXISTS emails_open_idx;
CREATE INDEX CONCURRENTLY emails_open_idx ON emails (status)
    WHERE status IN ('queued', 'sending', 'failed');

SET lock_timeout = '${lockTimeout}';
SET statement_timeout = '${statementTimeout}';
