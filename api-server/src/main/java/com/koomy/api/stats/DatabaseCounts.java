package com.koomy.api.stats;

import com.koomy.ops.OpsCountsDao;
import org.jdbi.v3.core.Jdbi;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One sample of the database's counts ({@link OpsCountsDao}): the open states exactly, each from an index,
 * and the terminal totals as estimates from the planner's statistics, so a sample costs a few index pages
 * whatever the size of the tables (issue 23). Throws when the database fails; {@link OpsSampler} keeps why.
 */
public class DatabaseCounts {

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration maxHeartbeatAge;
    private final Duration failedJobsWindow;

    public DatabaseCounts(Jdbi jdbi, Clock clock, Duration maxHeartbeatAge, Duration failedJobsWindow) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.maxHeartbeatAge = maxHeartbeatAge;
        this.failedJobsWindow = failedJobsWindow;
    }

    public OpsSnapshot read(String instance) {
        Instant now = clock.instant();
        return jdbi.withExtension(OpsCountsDao.class, dao -> {
            OpsSnapshot.Jobs jobs;
            Map<String, Long> jobEstimates = Map.of();
            if (dao.jobTablesExist()) {
                Timestamp oldest = dao.oldestEnqueued();
                Instant heartbeatCutoff = now.minus(maxHeartbeatAge);
                long live = dao.serverHeartbeats().stream().filter(ts -> ts.toInstant().isAfter(heartbeatCutoff)).count();
                jobs = new OpsSnapshot.Jobs(true, dao.jobsByState(),
                        oldest == null ? null : Math.max(0, Duration.between(oldest.toInstant(), now).toSeconds()),
                        dao.jobsFailedSince(Timestamp.from(now.minus(failedJobsWindow))), live);
                jobEstimates = terminal(dao.estimatedByValue("jobrunr.jobrunr_jobs", "state"),
                        OpsCountsDao.TERMINAL_JOB_STATES::contains);
            } else {
                jobs = new OpsSnapshot.Jobs(false, Map.of(), null, 0, 0);
            }
            OpsSnapshot.Estimates estimates = new OpsSnapshot.Estimates(OpsSnapshot.Estimates.METHOD, jobEstimates,
                    terminal(dao.estimatedByValue("stripe_events", "status"), s -> !OpsCountsDao.OPEN_STRIPE_STATUSES.contains(s)),
                    terminal(dao.estimatedByValue("emails", "status"), s -> !OpsCountsDao.OPEN_EMAIL_STATUSES.contains(s)));
            Map<String, Long> stripeEvents = dao.stripeEventsByStatus();
            long stripeFailing = dao.stripeEventsFailingSince(now.minus(Duration.ofHours(1)).atOffset(ZoneOffset.UTC));
            Map<String, Long> emails = dao.emailsByStatus();
            // Sampled at: when the last count was read (the age others judge staleness by starts there).
            return new OpsSnapshot(clock.instant(), null, jobs, stripeEvents, stripeFailing, emails, estimates, instance);
        });
    }

    private static Map<String, Long> terminal(Map<String, Long> estimated, Predicate<String> isTerminal) {
        return estimated.entrySet().stream().filter(e -> isTerminal.test(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
