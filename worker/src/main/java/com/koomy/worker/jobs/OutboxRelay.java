package com.koomy.worker.jobs;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.koomy.jobs.OutboxDao;
import com.koomy.jobs.OutboxEntry;
import io.dropwizard.lifecycle.Managed;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.scheduling.JobBuilder;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Turns outbox rows into JobRunr jobs. Rows are deleted in the transaction that claimed them, which
 * commits only after JobRunr stored the jobs: a crash on either side leaves the rows for the next
 * pass, and the next pass makes the same job ids, which JobRunr skips when it already has them.
 * One failure never stops the loop; it logs why and tries again at the next tick.
 */
public class OutboxRelay implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

    private final Jdbi jdbi;
    private final Supplier<JobRequestScheduler> scheduler;
    private final OutboxRoutes routes;
    private final Duration interval;
    private final int batchSize;
    private final Meter relayed;
    private final Meter failures;
    private final Runnable afterRelay;
    private ScheduledExecutorService executor;
    private int consecutiveFailures;

    /** {@code afterRelay} runs once jobs are committed (the worker wakes its job server with it). */
    public OutboxRelay(Jdbi jdbi, Supplier<JobRequestScheduler> scheduler, OutboxRoutes routes, Duration interval,
                       int batchSize, MetricRegistry metrics, Runnable afterRelay) {
        this.afterRelay = afterRelay;
        this.jdbi = jdbi;
        this.scheduler = scheduler;
        this.routes = routes;
        this.interval = interval;
        this.batchSize = batchSize;
        this.relayed = metrics.meter("outbox.relayed");
        this.failures = metrics.meter("outbox.relay-failures");
        metrics.gauge("outbox.pending", () -> () -> safely(() -> jdbi.withExtension(OutboxDao.class, OutboxDao::pending)));
        metrics.gauge("outbox.unroutable", () -> () -> safely(() -> jdbi.withExtension(OutboxDao.class,
                dao -> dao.unroutable(routes.kinds()))));
    }

    @Override
    public void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "outbox-relay"));
        executor.scheduleWithFixedDelay(this::drain, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
            executor.shutdownNow();
        }
    }

    /** Relays full batches back to back until the outbox is empty, so a burst drains at once. */
    void drain() {
        try {
            int moved;
            do {
                moved = relayOnce();
                if (moved > 0) {
                    afterRelay.run();
                }
            } while (moved == batchSize && !Thread.currentThread().isInterrupted());
            if (consecutiveFailures > 0) {
                LOG.info("Outbox relay recovered after {} failed passes", consecutiveFailures);
                consecutiveFailures = 0;
            }
        } catch (RuntimeException e) {
            failures.mark();
            // During an outage this fails every tick: say so on the first failure and then now and then.
            if (consecutiveFailures++ % 50 == 0) {
                LOG.warn("Outbox relay pass failed ({} in a row), retrying every {} ms: {}",
                        consecutiveFailures, interval.toMillis(), e.toString());
            }
        }
    }

    /** One batch; returns how many rows it moved. */
    public int relayOnce() {
        return jdbi.inTransaction(handle -> {
            List<OutboxEntry> entries = handle.attach(OutboxDao.class).claim(routes.kinds(), batchSize);
            if (entries.isEmpty()) {
                return 0;
            }
            store(routes.jobsFor(entries));
            relayed.mark(entries.size());
            return entries.size();
        });
    }

    private void store(List<JobBuilder> jobs) {
        try {
            scheduler.get().create(jobs.stream());
        } catch (RuntimeException batchFailed) {
            // A batch fails whole when one of its ids already exists (a relay that died after JobRunr
            // stored its jobs). One by one, JobRunr skips the ones it has.
            LOG.info("Batch of {} jobs not stored at once ({}); storing one by one", jobs.size(), batchFailed.toString());
            for (JobBuilder job : jobs) {
                scheduler.get().create(job);
            }
        }
    }

    private static long safely(Supplier<Long> value) {
        try {
            return value.get();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
