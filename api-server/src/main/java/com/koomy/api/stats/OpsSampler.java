package com.koomy.api.stats;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.koomy.ops.OpsCountsDao;
import io.dropwizard.lifecycle.Managed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Keeps the database's counts on a schedule (every alert evaluation period), so gauges, health checks and
 * alerts never query on their own: a scraper or a load balancer polling fast costs nothing. One instance of
 * the cluster runs the queries ({@link SharedSnapshot}: the Redis lease holder) and the others read its
 * snapshot; an instance samples the database itself when Redis fails or the shared snapshot is missing or
 * older than {@link #STALE_AFTER_PERIODS} periods, so health never goes without data. After each period,
 * hands the snapshot to the listeners (this instance's alerts), also when the sample failed: the in-memory
 * signals (pools, heap, latency) must be judged precisely when the database pool is exhausted.
 */
public class OpsSampler implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(OpsSampler.class);
    /** The lease and the shared snapshot last this many periods: a stopped holder is replaced within them. */
    public static final int STALE_AFTER_PERIODS = 3;
    static final List<String> JOB_STATES = OpsCountsDao.OPEN_JOB_STATES;

    private final DatabaseCounts database;
    private final SharedSnapshot shared;
    private final Clock clock;
    private final Duration every;
    private final Consumer<OpsSnapshot> listener;
    private final Counter samples = new Counter();
    private volatile OpsSnapshot last;
    private volatile String source = "not sampled yet";
    private ScheduledExecutorService executor;

    /** {@code shared}: null for an instance that always samples on its own. */
    public OpsSampler(DatabaseCounts database, SharedSnapshot shared, Clock clock, Duration every, Consumer<OpsSnapshot> listener) {
        this.database = database;
        this.shared = shared;
        this.clock = clock;
        this.every = every;
        this.listener = listener;
        this.last = OpsSnapshot.unavailable(clock.instant(), "not sampled yet", instance());
    }

    /** How long the lease and the shared snapshot last: {@link #STALE_AFTER_PERIODS} periods. */
    public static Duration staleAfter(Duration every) {
        return every.multipliedBy(STALE_AFTER_PERIODS);
    }

    @Override
    public void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "ops-sampler"));
        executor.scheduleWithFixedDelay(this::runOnce, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
        if (shared != null) {
            try {
                shared.release(); // another instance takes over at its next period, not after the lease expires
            } catch (RuntimeException e) {
                LOG.info("Could not release the ops sampler's lease ({}); it expires by itself", e.toString());
            }
        }
    }

    public OpsSnapshot last() {
        return last;
    }

    /** Where the last snapshot came from: this instance's queries (and why), or the lease holder's. */
    public String source() {
        return source;
    }

    /** How many times this instance queried the database's counts. */
    public long samplesRun() {
        return samples.getCount();
    }

    /** One period: sample or read the shared snapshot, then evaluate; never throws, so the schedule survives any failure. */
    public void runOnce() {
        try {
            last = current();
        } catch (RuntimeException e) {
            LOG.warn("Operations sample failed: {}", e.toString());
            last = OpsSnapshot.unavailable(clock.instant(), e.getClass().getSimpleName() + ": " + e.getMessage(), instance());
        }
        try {
            listener.accept(last);
        } catch (RuntimeException e) {
            LOG.warn("Alert evaluation failed", e);
        }
    }

    private OpsSnapshot current() {
        if (shared == null) {
            return sampleHere("sampled here (no shared snapshot)");
        }
        boolean holder;
        try {
            holder = shared.holdLease();
        } catch (RuntimeException redisDown) {
            return sampleHere("sampled here: Redis unavailable (" + redisDown.getClass().getSimpleName() + ")");
        }
        if (holder) {
            OpsSnapshot snapshot = sampleHere("sampled here: lease holder");
            if (snapshot.hasData()) { // a failed sample stays ours: the others keep the last good one until it is stale
                try {
                    shared.publish(snapshot);
                    shared.holdLease(); // renewed again after the queries: a slow sample never lets the lease lapse
                } catch (RuntimeException e) {
                    LOG.warn("Could not share the ops snapshot: {}", e.toString());
                }
            }
            return snapshot;
        }
        Optional<OpsSnapshot> theirs;
        try {
            theirs = shared.read();
        } catch (RuntimeException e) {
            return sampleHere("sampled here: shared snapshot unreadable (" + e.getClass().getSimpleName() + ")");
        }
        if (theirs.isEmpty() || Duration.between(theirs.get().at(), clock.instant()).compareTo(staleAfter(every)) > 0) {
            return sampleHere("sampled here: shared snapshot missing or older than " + staleAfter(every));
        }
        source = "shared by " + theirs.get().sampledBy();
        return theirs.get();
    }

    private OpsSnapshot sampleHere(String why) {
        if (!why.equals(source)) {
            LOG.info("Ops counts: {}", why);
        }
        source = why;
        samples.inc();
        try {
            return database.read(instance());
        } catch (RuntimeException e) {
            LOG.warn("Operations sample failed: {}", e.toString());
            return OpsSnapshot.unavailable(clock.instant(), e.getClass().getSimpleName() + ": " + e.getMessage(), instance());
        }
    }

    private String instance() {
        return shared == null ? "this instance" : shared.instance();
    }

    /**
     * Gauges over the last snapshot: jobs, Stripe events and emails by non-terminal state (exact), the terminal
     * totals under names ending in {@code -estimate}, queue age, live servers, the snapshot's age and this
     * instance's samples.
     */
    public void registerGauges(MetricRegistry metrics) {
        for (String state : JOB_STATES) {
            metrics.gauge("koomy.jobs." + state.toLowerCase(), () -> () -> {
                OpsSnapshot s = last;
                return s.jobs() == null ? null : s.jobs().byState().getOrDefault(state, 0L);
            });
        }
        metrics.gauge("koomy.jobs.oldest-enqueued-age-seconds", () -> () -> last.jobs() == null ? null
                : last.jobs().oldestEnqueuedAgeSeconds());
        metrics.gauge("koomy.jobs.live-servers", () -> () -> last.jobs() == null ? null : last.jobs().liveServers());
        counts(metrics, "koomy.webhooks.stripe.", OpsCountsDao.OPEN_STRIPE_STATUSES, OpsSnapshot::stripeEvents, "");
        counts(metrics, "koomy.emails.", OpsCountsDao.OPEN_EMAIL_STATUSES, OpsSnapshot::emails, "");
        // Terminal totals are estimates (issue 23): the names say so, and an absent value reads 0.
        counts(metrics, "koomy.jobs.", List.of("SUCCEEDED"), s -> s.estimates() == null ? null : s.estimates().jobs(), "-estimate");
        counts(metrics, "koomy.webhooks.stripe.", List.of("processed", "ignored"), s -> s.estimates() == null ? null : s.estimates().stripeEvents(), "-estimate");
        counts(metrics, "koomy.emails.", List.of("sent", "suppressed"), s -> s.estimates() == null ? null : s.estimates().emails(), "-estimate");
        metrics.gauge("koomy.ops.counts-age-seconds", () -> () -> Duration.between(last.at(), clock.instant()).toSeconds());
        metrics.register("koomy.ops.counts-samples", samples);
    }

    private void counts(MetricRegistry metrics, String prefix, List<String> names,
                        Function<OpsSnapshot, Map<String, Long>> read, String suffix) {
        for (String name : names) {
            String metric = prefix + (prefix.equals("koomy.jobs.") ? name.toLowerCase() : name) + suffix;
            metrics.gauge(metric, () -> () -> {
                Map<String, Long> values = read.apply(last);
                return values == null ? null : values.getOrDefault(name, 0L);
            });
        }
    }
}
