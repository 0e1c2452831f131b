package com.koomy.media.image;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;

import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many images the process decodes at once: at most {@code concurrency}; up to {@code maxQueued}
 * others wait (up to {@link #WAIT_SECONDS}), and beyond that the work is refused at once with 503
 * media_busy, so a burst of uploads cannot take every server thread.
 */
final class DecodeSlots {

    static final int WAIT_SECONDS = 60;

    interface DecodeWork<T> {
        T run() throws IOException;
    }

    private final int concurrency;
    private final int maxQueued;
    private final Semaphore slots;
    private final Meter busy = new Meter();

    DecodeSlots(int concurrency, int maxQueued) {
        this.concurrency = concurrency;
        this.maxQueued = maxQueued;
        this.slots = new Semaphore(concurrency, true);
    }

    /** {@code koomy.media.decodes.running} and {@code .waiting} (gauges), {@code koomy.media.busy} (meter). */
    void registerMetrics(MetricRegistry metrics) {
        metrics.gauge("koomy.media.decodes.running", () -> () -> concurrency - slots.availablePermits());
        metrics.gauge("koomy.media.decodes.waiting", () -> slots::getQueueLength);
        metrics.register("koomy.media.busy", busy);
    }

    /** Whether work arriving now would be refused (and counted as refused). */
    boolean saturated() {
        if (slots.availablePermits() == 0 && slots.getQueueLength() >= maxQueued) {
            busy.mark();
            return true;
        }
        return false;
    }

    /** For tests: the semaphore itself. */
    Semaphore semaphore() {
        return slots;
    }

    <T> T run(DecodeWork<T> work) throws IOException {
        try {
            // Waiting requests hold server threads: past maxQueued waiting, refuse at once.
            if (!slots.tryAcquire() && (slots.getQueueLength() >= maxQueued
                    || !slots.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS))) {
                busy.mark();
                throw new ImageRefusedException(503, "media_busy", "too many images are being processed; try again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to decode an image", e);
        }
        try {
            return work.run();
        } finally {
            slots.release();
        }
    }
}
