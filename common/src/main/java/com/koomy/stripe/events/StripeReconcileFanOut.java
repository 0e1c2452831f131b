package com.koomy.stripe.events;

import com.koomy.jobs.JobIds;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.scheduling.JobBuilder;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The recurring reconciliation's only work: queue one {@link ReconcileStripeScope} job per scope (the platform
 * and every connected account), each at now + a stable offset of its own within the interval, so that 10,000
 * accounts make a steady trickle of small jobs instead of one pass longer than the interval. A scope whose last
 * queued job has not run yet gets none (its jobs cannot pile up behind a backlog or a failing account); a job's
 * id is derived from its scope and the interval's slot, so a fan-out run twice in one slot queues nothing twice.
 */
public class StripeReconcileFanOut {

    private static final Logger LOG = LoggerFactory.getLogger(StripeReconcileFanOut.class);
    public static final String JOB_KIND = "stripe-reconcile-scope";
    /** Scopes marked and jobs stored together per transaction: JobRunr saves a batch in one statement. */
    static final int BATCH = 1_000;
    /** JobRunr waits 3 s then 9 s: a scope's retries end long before the next interval's fan-out. */
    static final int RETRIES = 2;
    /** A scope whose job failed for good (or was deleted) is queued again once its last queue is this many intervals old. */
    static final int STALE_AFTER_INTERVALS = 2;

    private final Jdbi jdbi;
    private final StripeReconciler reconciler;
    private final Supplier<JobRequestScheduler> scheduler;
    private final Duration interval;
    private final Clock clock;

    public StripeReconcileFanOut(Jdbi jdbi, StripeReconciler reconciler, Supplier<JobRequestScheduler> scheduler,
                                 Duration interval, Clock clock) {
        if (interval.toSeconds() < 1) {
            throw new IllegalArgumentException("The reconciliation interval must be at least one second: " + interval);
        }
        this.jdbi = jdbi;
        this.reconciler = reconciler;
        this.scheduler = scheduler;
        this.interval = interval;
        this.clock = clock;
    }

    /** {@code pending}: scopes skipped because their previous job has not run yet. */
    public record Result(int scopes, int queued, int pending) {
    }

    public Result fanOut() {
        Instant now = clock.instant();
        long slot = Math.floorDiv(now.getEpochSecond(), interval.toSeconds());
        Set<String> pending = new HashSet<>(jdbi.withExtension(StripeReconcileCursorDao.class,
                dao -> dao.pending(now.minus(interval.multipliedBy(STALE_AFTER_INTERVALS)))));
        List<String> scopes = reconciler.scopes();
        List<String> due = scopes.stream().filter(scope -> !pending.contains(scope)).toList();
        for (int from = 0; from < due.size(); from += BATCH) {
            List<String> batch = due.subList(from, Math.min(due.size(), from + BATCH));
            // The marks commit only once JobRunr stored the jobs: a failure leaves the batch due for the next run.
            jdbi.useTransaction(h -> {
                h.attach(StripeReconcileCursorDao.class).markQueued(batch);
                store(batch.stream().map(scope -> job(scope, slot, now)).toList());
            });
        }
        if (due.size() < scopes.size()) {
            LOG.info("Reconciliation: {} of {} scopes still have a job waiting from an earlier run; none queued for them",
                    scopes.size() - due.size(), scopes.size());
        }
        return new Result(scopes.size(), due.size(), scopes.size() - due.size());
    }

    JobBuilder job(String scope, long slot, Instant now) {
        return JobBuilder.aJob()
                .withId(JobIds.of(JOB_KIND, scope + "@" + slot))
                .withName("Reconcile the Stripe events of " + scope)
                .withAmountOfRetries(RETRIES)
                .scheduleAt(now.plus(offset(scope, interval)))
                .withJobRequest(new ReconcileStripeScope(scope));
    }

    /** Where in the interval a scope's job runs: the same second every time, spread evenly over the scopes. */
    static Duration offset(String scope, Duration interval) {
        // String.hashCode is specified by the JLS (the same in every JVM); the multiplier spreads similar ids.
        long mixed = scope.hashCode() * 0x9E3779B97F4A7C15L;
        return Duration.ofSeconds(Math.floorMod(mixed >>> 16, interval.toSeconds()));
    }

    private void store(List<JobBuilder> jobs) {
        try {
            scheduler.get().create(jobs.stream());
        } catch (RuntimeException batchFailed) {
            // A batch fails whole when one of its ids already exists (this slot's fan-out ran before and its marks
            // did not commit). One by one, JobRunr skips the ones it has (as in OutboxRelay).
            LOG.info("Batch of {} reconciliation jobs not stored at once ({}); storing one by one", jobs.size(),
                    batchFailed.toString());
            for (JobBuilder job : jobs) {
                scheduler.get().create(job);
            }
        }
    }
}
