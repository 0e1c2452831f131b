package com.koomy.worker.e2e;

import com.koomy.testing.StripeTestEvents;
import com.koomy.worker.CountingWorkerApplication;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhooks of the process-level tests: events of {@link CountingWorkerApplication#COUNTED}, whose test
 * handler records each application in {@code test_applications} in the same transaction as its processing,
 * posted signed to an API process; and what the worker made of them.
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
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT event_id, count(*) AS n FROM test_applications WHERE event_id = ANY(:ids) GROUP BY event_id")
                .bindArray("ids", String.class, ids)
                .reduceRows(new HashMap<>(), (map, row) -> {
                    map.put(row.getColumn("event_id", String.class), row.getColumn("n", Long.class));
                    return map;
                }));
    }

    static void assertAppliedExactlyOnce(Jdbi jdbi, List<String> ids) {
        Map<String, Long> applications = applications(jdbi, ids);
        assertThat(applications).hasSize(ids.size());
        assertThat(applications.values()).containsOnly(1L);
    }
}
