package com.koomy.worker.e2e;

import com.koomy.testing.StripeTestEvents;
import com.koomy.worker.CountingWorkerApplication;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Signed Stripe webhooks (the counting handler's event type, so every application is counted in
 * {@code test_applications}) sent to an API at a steady rate by a few connections, as Stripe sends them:
 * an event answered anything but 2xx is sent again (signed afresh) every {@code retryEvery} until it is
 * accepted or {@code retryFor} has passed since its first attempt (zero: never resent). Every attempt is
 * recorded with its answer (0: no answer within 10 s) and when it was sent and answered: the scenarios'
 * verdicts join this record with what the database holds.
 */
final class WebhookLoad implements AutoCloseable {

    record Attempt(String eventId, int attempt, int status, long sentMs, long doneMs) {
        boolean accepted() {
            return status / 100 == 2;
        }
    }

    private record Pending(String eventId, String payload, int attempt, long firstMs, long dueMs) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueMs - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(dueMs, ((Pending) other).dueMs);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI endpoint;
    private final String secret;
    private final Duration retryEvery;
    private final Duration retryFor;
    private final DelayQueue<Pending> queue = new DelayQueue<>();
    private final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean producing = new AtomicBoolean(true);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger created = new AtomicInteger();
    private final ExecutorService threads;

    /** Starts sending at once: {@code total} events (0: until {@link #stop()}) at {@code perSecond}. */
    WebhookLoad(int apiPort, String secret, int perSecond, int total, int connections, Duration retryEvery, Duration retryFor) {
        this.endpoint = URI.create("http://127.0.0.1:" + apiPort + "/api/webhooks/stripe");
        this.secret = secret;
        this.retryEvery = retryEvery;
        this.retryFor = retryFor;
        this.threads = Executors.newFixedThreadPool(connections + 1);
        threads.submit(() -> produce(perSecond, total));
        for (int i = 0; i < connections; i++) {
            threads.submit(this::send);
        }
    }

    private void produce(int perSecond, int total) {
        long start = System.currentTimeMillis();
        for (int n = 0; producing.get() && (total == 0 || n < total); n++) {
            long due = start + n * 1000L / perSecond;
            long wait = due - System.currentTimeMillis();
            if (wait > 0 && !pause(wait)) {
                break;
            }
            String id = "evt_chaos_" + StripeTestEvents.newEventId().substring(9);
            queue.add(new Pending(id, StripeTestEvents.event(id, CountingWorkerApplication.COUNTED, "payment_intent"),
                    1, System.currentTimeMillis(), 0));
            created.incrementAndGet();
        }
        producing.set(false);
    }

    private void send() {
        while (running.get()) {
            Pending next;
            try {
                next = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (next == null) {
                continue;
            }
            inFlight.incrementAndGet();
            try {
                long sent = System.currentTimeMillis();
                int status = post(next.payload());
                long done = System.currentTimeMillis();
                attempts.add(new Attempt(next.eventId(), next.attempt(), status, sent, done));
                if (status / 100 != 2 && !retryEvery.isZero() && done - next.firstMs() < retryFor.toMillis()) {
                    queue.add(new Pending(next.eventId(), next.payload(), next.attempt() + 1, next.firstMs(),
                            done + retryEvery.toMillis()));
                }
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    private int post(String payload) {
        try {
            return http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json; charset=utf-8")
                            .header("Stripe-Signature", StripeTestEvents.sign(payload, secret))
                            .POST(HttpRequest.BodyPublishers.ofString(payload)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (Exception e) {
            return 0;
        }
    }

    /** No new events from now on; the ones refused are still resent. */
    void stop() {
        producing.set(false);
    }

    boolean finished() {
        return !producing.get() && queue.isEmpty() && inFlight.get() == 0;
    }

    /** Waits until every event was sent and accepted or given up on, then stops the senders. */
    void awaitFinished(Duration atMost) throws InterruptedException {
        long deadline = System.currentTimeMillis() + atMost.toMillis();
        while (!finished()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the webhook senders did not finish within " + atMost
                        + " (" + queue.size() + " queued, " + inFlight.get() + " in flight)");
            }
            Thread.sleep(200);
        }
        close();
    }

    int created() {
        return created.get();
    }

    List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    Set<String> sent() {
        return attempts.stream().map(Attempt::eventId).collect(Collectors.toSet());
    }

    Set<String> accepted() {
        return attempts.stream().filter(Attempt::accepted).map(Attempt::eventId).collect(Collectors.toSet());
    }

    /** How many attempts got each status ({200=1058, 0=2}: 0 is no answer within 10 s). */
    static java.util.Map<Integer, Long> statuses(List<Attempt> attempts) {
        return attempts.stream().collect(Collectors.groupingBy(Attempt::status, java.util.TreeMap::new, Collectors.counting()));
    }

    /** Attempts sent in [fromMs, toMs). */
    List<Attempt> sentBetween(long fromMs, long toMs) {
        return attempts.stream().filter(a -> a.sentMs() >= fromMs && a.sentMs() < toMs).toList();
    }

    @Override
    public void close() throws InterruptedException {
        producing.set(false);
        running.set(false);
        threads.shutdown();
        threads.awaitTermination(30, TimeUnit.SECONDS);
    }

    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
