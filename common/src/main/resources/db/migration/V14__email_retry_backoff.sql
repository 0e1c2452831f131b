-- A delivery the provider failed (5xx, network error) is retried after 3^n s, n its failures so far,
-- and fails for good after jobs.emailRetries retries. The count and the time of the next try live on
-- the row, not in JobRunr's job: a retry that finds no rate-limit token hands over to a new job, which
-- used to start JobRunr's count (and backoff) from zero again (ops/chaos slow-providers). retry_at
-- also holds SendGrid's reset time after a 429: JobRunr may start a scheduled job up to one poll
-- interval early, and the row makes that job wait.
ALTER TABLE emails ADD COLUMN failures integer NOT NULL DEFAULT 0;
ALTER TABLE emails ADD COLUMN retry_at timestamptz;
