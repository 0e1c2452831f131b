package com.koomy.email;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.dropwizard.lifecycle.Managed;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Deliveries that have to wait (no rate-limit token, a 429, a provider failure's backoff, every provider
 * slot of the worker busy) wait in the queue they are already in, {@code emails}: the row stays
 * {@code queued} with its {@code retry_at}, the delivery job ends, and this pacer delivers the rows whose
 * time has come, transactional mail first, then the oldest wait. One JobRunr job per email, whatever the
 * waits: the earlier design scheduled a new job with a random id for each wait, and a large rate-limited
 * backlog churned JobRunr's tables with them.
 * <p>
 * The rows are the state, not this process: a worker killed with waiting rows leaves them {@code queued}
 * with a {@code retry_at}, and any worker's pacer takes them at its next poll. So does an attempt that died
 * in the provider's hands ({@code sending} past its lease): the delivery decides, as a retry would, whether
 * it may be sent again or is held until a SendGrid event settles it (and so do held rows once their
 * event arrives or their resend is due). A wait in this process wakes the pacer at its time; the
 * others (other workers' waits, a dead worker's rows) are seen within {@code idlePoll}.
 */
public class EmailPacer implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(EmailPacer.class);

    private final Jdbi jdbi;
    private final int threads;
    private final Duration idlePoll;
    private final Meter paced;
    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();
    /** Rows whose delivery threw here, and until when (System.nanoTime) they are left alone: no tight retry loop. */
    private final Map<UUID, Long> failedUntil = new ConcurrentHashMap<>();
    private final Object signal = new Object();
    private volatile Consumer<UUID> delivery;
    private long wakeAtNanos = Long.MAX_VALUE;
    private boolean woken;
    private ExecutorService deliveries;
    private Thread poller;
    private volatile boolean running;

    /** {@code threads}: deliveries of this process at once; {@code idlePoll}: how often it looks for others' waits. */
    public EmailPacer(Jdbi jdbi, int threads, Duration idlePoll, MetricRegistry metrics) {
        this.jdbi = jdbi;
        this.threads = threads;
        this.idlePoll = idlePoll;
        this.paced = metrics.meter("koomy.email.paced");
    }

    /** What delivers one email (the delivery job; set once, before {@link #start}). */
    void deliverWith(Consumer<UUID> delivery) {
        this.delivery = delivery;
    }

    /** A row of this process now waits until {@code at}: the pacer looks again then. */
    void wake(Instant at) {
        long nanos = System.nanoTime() + Math.max(0, Duration.between(Instant.now(), at).toNanos());
        synchronized (signal) {
            if (nanos < wakeAtNanos) {
                wakeAtNanos = nanos;
                signal.notifyAll();
            }
        }
    }

    @Override
    public void start() {
        deliveries = Executors.newFixedThreadPool(threads, r -> new Thread(r, "email-pacer-delivery"));
        running = true;
        poller = new Thread(this::loop, "email-pacer");
        poller.setDaemon(true);
        poller.start();
    }

    @Override
    public void stop() throws InterruptedException {
        running = false;
        synchronized (signal) {
            signal.notifyAll();
        }
        if (poller != null) {
            poller.join(TimeUnit.SECONDS.toMillis(5));
        }
        if (deliveries != null) {
            deliveries.shutdown();
            if (!deliveries.awaitTermination(10, TimeUnit.SECONDS)) {
                deliveries.shutdownNow();
            }
        }
    }

    private void loop() {
        while (running) {
            long pause = idlePoll.toNanos();
            try {
                int started = startDue();
                if (started > 0 || inFlight.size() >= threads) {
                    pause = Math.min(pause, TimeUnit.MILLISECONDS.toNanos(50)); // more may be due; look again soon
                }
            } catch (RuntimeException e) {
                LOG.warn("Email pacer: looking for due emails failed ({}); again in {} ms", e.toString(), idlePoll.toMillis());
            }
            try {
                sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Sleeps {@code pause} at most, less when a wait of this process ends sooner. */
    private void sleep(long pause) throws InterruptedException {
        synchronized (signal) {
            long deadline = System.nanoTime() + pause;
            while (running && !woken) {
                long until = Math.min(deadline, wakeAtNanos);
                long left = until - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(signal, left);
            }
            woken = false;
            if (wakeAtNanos <= System.nanoTime()) {
                wakeAtNanos = Long.MAX_VALUE;
            }
        }
    }

    /** Hands the due rows not already being delivered here to the delivery threads; returns how many. */
    int startDue() {
        int free = threads - inFlight.size();
        if (free <= 0) {
            return 0;
        }
        List<UUID> due = jdbi.withHandle(h -> h.attach(EmailDao.class).due(free + inFlight.size()));
        long now = System.nanoTime();
        failedUntil.values().removeIf(until -> until < now);
        int started = 0;
        for (UUID id : due) {
            if (started >= free || failedUntil.containsKey(id) || !inFlight.add(id)) {
                continue;
            }
            started++;
            paced.mark();
            deliveries.execute(() -> {
                try {
                    delivery.accept(id);
                } catch (RuntimeException e) {
                    failedUntil.put(id, System.nanoTime() + idlePoll.toNanos() * 30);
                    LOG.warn("Email {}: paced delivery failed ({}); tried again in {} s", id, e.toString(),
                            idlePoll.toSeconds() * 30);
                } finally {
                    inFlight.remove(id);
                    synchronized (signal) {
                        woken = true;
                        signal.notifyAll();
                    }
                }
            });
        }
        return started;
    }
}
