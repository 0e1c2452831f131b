-- Reconciliation runs one job per scope (issue 23): the recurring fan-out records when it queued a scope's job
-- (queued_at) and queues none for a scope whose last queued job has not run yet, so a slow or failing
-- account's jobs cannot pile up. A scope queued but never run has no cursor and no run yet: both nullable.
ALTER TABLE stripe_reconcile_cursors
    ADD COLUMN queued_at timestamptz,
    ALTER COLUMN last_created DROP NOT NULL,
    ALTER COLUMN last_run_at DROP NOT NULL,
    ALTER COLUMN last_run_at DROP DEFAULT;
