package com.koomy.api.stripe;

import com.codahale.metrics.MetricRegistry;
import com.koomy.db.GroupCommit;
import com.koomy.db.SqlStates;
import com.koomy.stripe.events.IncomingStripeEvent;
import com.koomy.stripe.events.StripeEventWrites;
import com.koomy.stripe.events.StripeEventRefusals;
import io.dropwizard.lifecycle.Managed;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Group commit of received Stripe events ({@link GroupCommit}): the events that arrive together are
 * stored, each with its outbox row, by one statement in one commit. A request is answered 200 only
 * once its batch committed; if the batch fails (database down) every request in it answers 503, so
 * Stripe retries. An event PostgreSQL refuses on its own (say a {@code \u0000} escape jsonb does not
 * take) is written again alone, then by {@link StripeEventRefusals#store}: kept as {@code failed} with
 * its raw text and the reason, and answered 200, so Stripe does not retry it for days and then drop it.
 */
public class StripeEventIngest implements Managed {

    /** Thrown to the request when its event could not be stored (it may have been, if the wait timed out). */
    public static class NotStored extends Exception {
        NotStored(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(StripeEventIngest.class);

    private final GroupCommit<IncomingStripeEvent, Boolean> commits;

    public StripeEventIngest(Jdbi jdbi, int writers, int maxBatch, int queueCapacity, Duration timeout, MetricRegistry metrics) {
        this.commits = new GroupCommit<>("stripe-ingest", events -> storeAll(jdbi, events), SqlStates::dataError,
                writers, maxBatch, queueCapacity, timeout, metrics, "koomy.webhooks.stripe");
    }

    @Override
    public void start() {
        commits.start();
    }

    @Override
    public void stop() throws InterruptedException {
        commits.stop();
    }

    /**
     * Stores the event if it is new, with its outbox row; true when it was new, false for a
     * redelivery. Returns only after the commit.
     */
    public boolean store(IncomingStripeEvent event) throws NotStored, InterruptedException {
        try {
            return commits.submit(event);
        } catch (GroupCommit.NotWritten e) {
            throw new NotStored(e.getMessage(), e.getCause());
        }
    }

    /** One statement, autocommit; the same event twice in a batch (deliveries racing) is new only once. */
    private static List<Boolean> storeAll(Jdbi jdbi, List<IncomingStripeEvent> events) {
        Map<String, IncomingStripeEvent> distinct = new LinkedHashMap<>();
        events.forEach(e -> distinct.putIfAbsent(e.eventId(), e));
        Set<String> stored;
        try {
            stored = jdbi.withHandle(h -> StripeEventWrites.storeAllIfAbsent(h, new ArrayList<>(distinct.values())));
        } catch (RuntimeException e) {
            // Alone (GroupCommit wrote the refused batch again one by one) and refused for its data: stored by
            // the slow path, failed with the reason and its raw text, and answered 200 like any stored event.
            if (distinct.size() != 1 || !StripeEventRefusals.refusedData(e)) {
                throw e;
            }
            IncomingStripeEvent event = distinct.values().iterator().next();
            stored = StripeEventRefusals.store(jdbi, event, "webhook", e) ? Set.of(event.eventId()) : Set.of();
            LOG.warn("Stripe event {} ({}) stored as failed: PostgreSQL refused its payload ({})", event.eventId(),
                    event.type(), e.getMessage() == null ? e : e.getMessage().lines().findFirst().orElse(""));
        }
        Set<String> answered = new HashSet<>();
        List<Boolean> results = new ArrayList<>(events.size());
        for (IncomingStripeEvent event : events) {
            results.add(answered.add(event.eventId()) && stored.contains(event.eventId()));
        }
        return results;
    }
}
