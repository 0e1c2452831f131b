package com.koomy.api.webhooks;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.koomy.webhooks.IncomingStripeEvent;
import com.koomy.webhooks.StripeEventWrites;
import io.dropwizard.lifecycle.Managed;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Group commit for Stripe events: request threads hand their verified event to a few writer threads,
 * each of which stores whatever has arrived meanwhile (up to {@code maxBatch} events) in one statement
 * and one commit, then wakes the requests it carried. Under a burst, one commit and one WAL flush
 * serve tens of events instead of one each; alone, an event waits for nobody (a writer that finds it
 * stores it at once).
 * <p>
 * A request is answered 200 only once its batch committed; if the batch fails (database down), every
 * request in it gets the failure and answers 503, so Stripe retries. A full queue answers 503 at once
 * rather than queueing more than the writers can store within the timeout.
 */
public class StripeEventIngest implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(StripeEventIngest.class);

    /** Thrown to the request when its event could not be stored (it may have been, if the wait timed out). */
    public static class NotStored extends Exception {
        NotStored(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private record Pending(IncomingStripeEvent event, CompletableFuture<Boolean> stored) {
    }

    private final Jdbi jdbi;
    private final int writers;
    private final int maxBatch;
    private final Duration timeout;
    private final BlockingQueue<Pending> queue;
    private final Histogram batchSizes;
    private final Timer batchTimer;
    private final Meter failures;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    public StripeEventIngest(Jdbi jdbi, int writers, int maxBatch, int queueCapacity, Duration timeout, MetricRegistry metrics) {
        this.jdbi = jdbi;
        this.writers = writers;
        this.maxBatch = maxBatch;
        this.timeout = timeout;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.batchSizes = metrics.histogram("koomy.webhooks.stripe.batch-size");
        this.batchTimer = metrics.timer("koomy.webhooks.stripe.batch-store");
        this.failures = metrics.meter("koomy.webhooks.stripe.store-failures");
        metrics.gauge("koomy.webhooks.stripe.queued", () -> queue::size);
    }

    @Override
    public void start() {
        running = true;
        for (int i = 0; i < writers; i++) {
            Thread thread = new Thread(this::write, "stripe-ingest-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** Stores what is queued, then stops the writers; later requests answer 503. */
    @Override
    public void stop() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(timeout.toMillis());
        }
        threads.clear();
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(p -> p.stored().completeExceptionally(new IllegalStateException("the API is stopping")));
    }

    /**
     * Stores the event if it is new, with its outbox row; true when it was new, false for a
     * redelivery. Returns only after the commit.
     */
    public boolean store(IncomingStripeEvent event) throws NotStored, InterruptedException {
        Pending pending = new Pending(event, new CompletableFuture<>());
        if (!running || !queue.offer(pending)) {
            failures.mark();
            throw new NotStored(running ? "too many events waiting to be stored" : "the API is stopping", null);
        }
        try {
            return pending.stored().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new NotStored("the event could not be stored", e.getCause());
        } catch (TimeoutException e) {
            failures.mark();
            throw new NotStored("the event was not stored within " + timeout.toMillis() + " ms", e);
        }
    }

    private void write() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                storeBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                // storeBatch completes every future itself; this is only a last guard for the thread.
                LOG.error("Stripe event writer failed", e);
                batch.forEach(p -> p.stored().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void storeBatch(List<Pending> batch) {
        // The same event twice in one batch (two deliveries racing): stored once, the other a duplicate.
        Map<String, List<Pending>> byId = new LinkedHashMap<>();
        for (Pending pending : batch) {
            byId.computeIfAbsent(pending.event().eventId(), id -> new ArrayList<>(1)).add(pending);
        }
        List<IncomingStripeEvent> events = new ArrayList<>(byId.size());
        byId.values().forEach(same -> events.add(same.get(0).event()));
        Set<String> stored;
        try (Timer.Context ignored = batchTimer.time()) {
            // One statement in autocommit: atomic on its own, no BEGIN/COMMIT round trips.
            stored = jdbi.withHandle(handle -> StripeEventWrites.storeAllIfAbsent(handle, events));
        } catch (RuntimeException e) {
            if (events.size() > 1 && refusedByData(e)) {
                // One event PostgreSQL will not take (say a \u0000 escape jsonb refuses) must not fail the
                // others that happened to share its batch: each is stored alone, and only it answers 503.
                byId.values().forEach(same -> storeBatch(same));
                return;
            }
            failures.mark(batch.size());
            LOG.error("Could not store {} Stripe events; answering 503 so that Stripe retries: {}", batch.size(), e.toString());
            batch.forEach(p -> p.stored().completeExceptionally(e));
            return;
        }
        batchSizes.update(batch.size());
        byId.forEach((id, same) -> {
            same.get(0).stored().complete(stored.contains(id));
            for (int i = 1; i < same.size(); i++) {
                same.get(i).stored().complete(false);
            }
        });
    }

    /** A data or constraint error (SQLState classes 22, 23): about the events, not the database's state. */
    private static boolean refusedByData(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"))) {
                return true;
            }
        }
        return false;
    }
}
