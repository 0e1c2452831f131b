package com.koomy.worker.e2e;

import com.koomy.testing.StripeTestEvents;
import com.koomy.worker.CountingWorkerApplication;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhooks of the process-level tests: events of {@link CountingWorkerApplication#COUNTED}, whose test
 * handler records each application in {@code test_applications} in the same transaction as its processing,
 * posted signed to an API process (one at a time here, or as a {@link WebhookLoad}); and what the worker made
 * of them ({@link Counts} for the chaos scenarios).
 */
final class CountedWebhooks {

    private CountedWebhooks() {
    }

    /** A new counted event (a Stripe payment intent), its id added to {@code ids}; returns its payload. */
    static String newEvent(List<String> ids) {
        String id = StripeTestEvents.newEventId();
        ids.add(id);
        return StripeTestEvents.event(id, CountingWorkerApplication.COUNTED, "payment_intent");
    }

    /** POSTs {@code payload} to {@code apiUrl}'s Stripe webhook, signed now with {@code secret}; returns the status. */
    static int post(HttpClient http, String apiUrl, String payload, String secret) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(apiUrl + "/api/webhooks/stripe"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json; charset=utf-8")
                .header("Stripe-Signature", StripeTestEvents.sign(payload, secret))
                .POST(HttpRequest.BodyPublishers.ofString(payload)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** {@link #post}, with -1 for no answer at all (refused, reset, timed out): a failover test counts those. */
    static int postOrMinusOne(HttpClient http, String apiUrl, String payload, String secret) {
        try {
            return post(http, apiUrl, payload, secret);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** How many of {@code ids} the worker has processed. */
    static long settled(Jdbi jdbi, List<String> ids) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT count(*) FROM stripe_events WHERE event_id = ANY(:ids) AND status = 'processed'")
                .bindArray("ids", String.class, ids).mapTo(Long.class).one());
    }

    /** How many times each of {@code ids} was applied (absent: never). */
    static Map<String, Long> applications(Jdbi jdbi, List<String> ids) {
        return jdbi.withHandle(h -> applications(h, ids));
    }

    private static Map<String, Long> applications(Handle h, List<String> ids) {
        return h.createQuery("SELECT event_id, count(*) AS n FROM test_applications WHERE event_id = ANY(:ids) GROUP BY event_id")
                .bindArray("ids", String.class, ids)
                .reduceRows(new HashMap<>(), (map, row) -> {
                    map.put(row.getColumn("event_id", String.class), row.getColumn("n", Long.class));
                    return map;
                });
    }

    static void assertAppliedExactlyOnce(Jdbi jdbi, List<String> ids) {
        Map<String, Long> applications = applications(jdbi, ids);
        assertThat(applications).hasSize(ids.size());
        assertThat(applications.values()).containsOnly(1L);
    }

    /**
     * The end of a run once the fault is repaired: 40 s more of load, the load stopped and its last answers in,
     * the system drained, then the probes' last answers; returns when it drained (as {@link #awaitDrained}).
     */
    static long finish(ChaosStack stack, WebhookLoad load, Probes probes) throws InterruptedException {
        Thread.sleep(40_000);
        load.stop();
        load.awaitFinished(Duration.ofMinutes(5));
        long drained = awaitDrained(stack.db, Duration.ofMinutes(5));
        Thread.sleep(3000);
        probes.close();
        return drained;
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

    /**
     * What the database of a chaos scenario says about the webhooks a {@link WebhookLoad} sent: of the events the
     * API accepted (2xx), how many are stored and how often each was applied (the counting handler's
     * {@code test_applications}); and what is left undone (events received or processing or failed, outbox rows,
     * JobRunr jobs not finished).
     */
    record Counts(int accepted, long acceptedMissing, long appliedOnce, long appliedMoreThanOnce, long stored,
                  long settled, long settledFirstAttempt, long received, long processing, long failed, long outbox,
                  long jobsUnfinished, long jobsFailed, long jobsRunTwice) {

        private static final String OURS = "event_id LIKE 'evt_chaos_%'";

        static Counts of(Jdbi db, Set<String> accepted) {
            String[] ids = accepted.toArray(String[]::new);
            return db.withHandle(h -> {
                long missing = h.createQuery("SELECT count(*) FROM unnest(:ids) AS a(event_id) "
                                + "WHERE NOT EXISTS (SELECT 1 FROM stripe_events e WHERE e.event_id = a.event_id)")
                        .bind("ids", ids).mapTo(Long.class).one();
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
                Collection<Long> applied = applications(h, List.of(ids)).values();
                long once = applied.stream().filter(n -> n == 1).count();
                return new Counts(ids.length, missing, once, applied.size() - once, n(c, "stored"),
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

        private static long n(Map<String, Object> row, String column) {
            return ((Number) row.get(column)).longValue();
        }
    }
}
