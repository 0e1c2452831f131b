package com.koomy.worker.e2e;

import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the database of a chaos scenario says about the webhooks a {@link WebhookLoad} sent: of the events the
 * API accepted (2xx), how many are stored and how often each was applied (the counting handler's
 * {@code test_applications}); and what is left undone (events received or processing or failed, outbox rows,
 * JobRunr jobs not finished).
 */
record WebhookCounts(int accepted, long acceptedMissing, long appliedOnce, long appliedMoreThanOnce, long stored,
                     long settled, long settledFirstAttempt, long received, long processing, long failed, long outbox,
                     long jobsUnfinished, long jobsFailed, long jobsRunTwice) {

    private static final String OURS = "event_id LIKE 'evt_chaos_%'";

    static WebhookCounts of(Jdbi db, Set<String> accepted) {
        String[] ids = accepted.toArray(String[]::new);
        return db.withHandle(h -> {
            long missing = h.createQuery("SELECT count(*) FROM unnest(:ids) AS a(event_id) "
                            + "WHERE NOT EXISTS (SELECT 1 FROM stripe_events e WHERE e.event_id = a.event_id)")
                    .bind("ids", ids).mapTo(Long.class).one();
            Map<Long, Long> applications = h.createQuery("SELECT n, count(*) AS events FROM (SELECT count(t.event_id) AS n "
                            + "FROM unnest(:ids) AS a(event_id) LEFT JOIN test_applications t USING (event_id) GROUP BY a.event_id) x GROUP BY n")
                    .bind("ids", ids)
                    .reduceRows(new HashMap<>(), (map, row) -> {
                        map.put(row.getColumn("n", Long.class), row.getColumn("events", Long.class));
                        return map;
                    });
            Map<String, Object> c = h.createQuery("SELECT "
                    + "(SELECT count(*) FROM stripe_events WHERE " + OURS + ") AS stored, "
                    + "(SELECT count(*) FROM stripe_events WHERE " + OURS + " AND status IN ('processed', 'ignored', 'refused')) AS settled, "
                    + "(SELECT count(*) FROM stripe_events WHERE " + OURS + " AND status IN ('processed', 'ignored', 'refused') AND attempts = 1) AS once, "
                    + "(SELECT count(*) FROM stripe_events WHERE status = 'received') AS received, "
                    + "(SELECT count(*) FROM stripe_events WHERE status = 'processing') AS processing, "
                    + "(SELECT count(*) FROM stripe_events WHERE status = 'failed') AS failed, "
                    + "(SELECT count(*) FROM outbox) AS outbox, "
                    + "(SELECT count(*) FROM jobrunr.jobrunr_jobs WHERE jobsignature LIKE '%ApplyStripeEvent%' "
                    + "   AND state IN ('ENQUEUED', 'PROCESSING', 'SCHEDULED', 'AWAITING')) AS unfinished, "
                    + "(SELECT count(*) FROM jobrunr.jobrunr_jobs WHERE state = 'FAILED') AS jobs_failed, "
                    + "(SELECT count(*) FROM jobrunr.jobrunr_jobs WHERE jobsignature LIKE '%ApplyStripeEvent%' AND (SELECT count(*) "
                    + "   FROM jsonb_array_elements(jobasjson::jsonb -> 'jobHistory') s WHERE s ->> 'state' = 'PROCESSING') > 1) AS twice")
                    .mapToMap().one();
            long more = applications.entrySet().stream().filter(e -> e.getKey() > 1).mapToLong(Map.Entry::getValue).sum();
            return new WebhookCounts(ids.length, missing, applications.getOrDefault(1L, 0L), more, n(c, "stored"),
                    n(c, "settled"), n(c, "once"), n(c, "received"), n(c, "processing"), n(c, "failed"), n(c, "outbox"),
                    n(c, "unfinished"), n(c, "jobs_failed"), n(c, "twice"));
        });
    }

    /** Every accepted event stored and applied exactly once. */
    boolean eachAcceptedAppliedOnce() {
        return acceptedMissing == 0 && appliedOnce == accepted && appliedMoreThanOnce == 0;
    }

    /** Nothing received, processing or failed; the outbox empty; no webhook job unfinished. */
    boolean nothingLeft() {
        return received + processing + failed + outbox + jobsUnfinished == 0;
    }

    void report(ChaosReport report) {
        report.figure("accepted / stored / missing", accepted + " / " + (accepted - acceptedMissing) + " / " + acceptedMissing);
        report.figure("applied once / more than once", appliedOnce + " / " + appliedMoreThanOnce);
        report.figure("settled (first attempt)", settled + " (" + settledFirstAttempt + ") of " + stored + " stored");
        report.figure("received / processing / failed", received + " / " + processing + " / " + failed);
        report.figure("outbox left / jobs unfinished / failed", outbox + " / " + jobsUnfinished + " / " + jobsFailed);
        report.figure("JobRunr jobs run more than once", jobsRunTwice);
    }

    /**
     * Waits until no event is received or processing and the outbox is empty; the epoch ms it happened
     * (0: not within {@code atMost}).
     */
    static long awaitDrained(Jdbi db, Duration atMost) throws InterruptedException {
        long deadline = System.currentTimeMillis() + atMost.toMillis();
        while (System.currentTimeMillis() < deadline) {
            try {
                long left = db.withHandle(h -> h.createQuery("SELECT (SELECT count(*) FROM stripe_events "
                        + "WHERE status IN ('received', 'processing')) + (SELECT count(*) FROM outbox)").mapTo(Long.class).one());
                if (left == 0) {
                    return System.currentTimeMillis();
                }
            } catch (RuntimeException databaseNotBackYet) {
                // asked again in a second
            }
            Thread.sleep(1000);
        }
        return 0;
    }

    private static long n(Map<String, Object> row, String column) {
        return ((Number) row.get(column)).longValue();
    }
}
