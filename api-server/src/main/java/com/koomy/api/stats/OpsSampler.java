package com.koomy.api.stats;

import com.codahale.metrics.MetricRegistry;
import com.koomy.email.EmailStatus;
import com.koomy.ops.OpsCountsDao;
import com.koomy.stripe.events.StripeEventStatus;
import io.dropwizard.lifecycle.Managed;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads the database's counts on a schedule (every alert evaluation period) and keeps the last
 * sample, so gauges, health checks and alerts never query on their own: a scraper or a load balancer
 * polling fast costs nothing. After each sample, hands it to the listeners (the alerts' evaluation),
 * also when the sample failed: the in-memory signals (pools, heap, latency) must be judged precisely
 * when the database pool is exhausted.
 */
public class OpsSampler implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(OpsSampler.class);
    static final List<String> JOB_STATES = List.of("AWAITING", "SCHEDULED", "ENQUEUED", "PROCESSING", "FAILED", "SUCCEEDED");

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration every;
    private final Duration maxHeartbeatAge;
    private final Duration failedJobsWindow;
    private final Consumer<OpsSnapshot> listener;
    private volatile OpsSnapshot last;
    private ScheduledExecutorService executor;

    public OpsSampler(Jdbi jdbi, Clock clock, Duration every, Duration maxHeartbeatAge, Duration failedJobsWindow,
                      Consumer<OpsSnapshot> listener) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.every = every;
        this.maxHeartbeatAge = maxHeartbeatAge;
        this.failedJobsWindow = failedJobsWindow;
        this.listener = listener;
        this.last = OpsSnapshot.unavailable(clock.instant(), "not sampled yet");
    }

    @Override
    public void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "ops-sampler"));
        executor.scheduleWithFixedDelay(this::runOnce, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        executor.shutdownNow();
    }

    public OpsSnapshot last() {
        return last;
    }

    /** One sample and evaluation; never throws, so the schedule survives any failure. */
    public void runOnce() {
        try {
            last = sample();
        } catch (RuntimeException e) {
            LOG.warn("Operations sample failed: {}", e.toString());
            last = OpsSnapshot.unavailable(clock.instant(), e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        try {
            listener.accept(last);
        } catch (RuntimeException e) {
            LOG.warn("Alert evaluation failed", e);
        }
    }

    private OpsSnapshot sample() {
        Instant now = clock.instant();
        return jdbi.withExtension(OpsCountsDao.class, dao -> {
            OpsSnapshot.Jobs jobs;
            if (dao.jobTablesExist()) {
                Timestamp oldest = dao.oldestEnqueued();
                Instant heartbeatCutoff = now.minus(maxHeartbeatAge);
                long live = dao.serverHeartbeats().stream().filter(ts -> ts.toInstant().isAfter(heartbeatCutoff)).count();
                jobs = new OpsSnapshot.Jobs(true, dao.jobsByState(),
                        oldest == null ? null : Math.max(0, Duration.between(oldest.toInstant(), now).toSeconds()),
                        dao.jobsFailedSince(Timestamp.from(now.minus(failedJobsWindow))), live);
            } else {
                jobs = new OpsSnapshot.Jobs(false, Map.of(), null, 0, 0);
            }
            return new OpsSnapshot(now, null, jobs, dao.stripeEventsByStatus(),
                    dao.stripeEventsFailingSince(now.minus(Duration.ofHours(1)).atOffset(ZoneOffset.UTC)),
                    dao.emailsByStatus());
        });
    }

    /** Gauges over the last sample: jobs by state, queue age, live servers, Stripe events and emails by status. */
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
        for (StripeEventStatus status : StripeEventStatus.values()) {
            metrics.gauge("koomy.webhooks.stripe." + status.name(), () -> () -> last.stripeEvents().getOrDefault(status.name(), 0L));
        }
        for (EmailStatus status : EmailStatus.values()) {
            metrics.gauge("koomy.emails." + status.name(), () -> () -> last.emails().getOrDefault(status.name(), 0L));
        }
    }
}
