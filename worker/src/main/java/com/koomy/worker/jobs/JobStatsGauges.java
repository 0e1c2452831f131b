package com.koomy.worker.jobs;

import com.codahale.metrics.CachedGauge;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import org.jobrunr.storage.JobStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * JobRunr's job counts (the dashboard's numbers) as gauges {@code jobs.<state>}: one query for all of
 * them, at most every 10 s per worker. {@code jobs.succeeded-total} counts every job that ever
 * succeeded (JobRunr's "all time" counter plus those not yet deleted), so its derivative is a rate.
 * Before JobRunr starts, or while its database does not answer, the gauges report nothing.
 */
public final class JobStatsGauges {

    private static final Logger LOG = LoggerFactory.getLogger(JobStatsGauges.class);

    private JobStatsGauges() {
    }

    public static void register(MetricRegistry metrics, Supplier<JobStats> source) {
        CachedGauge<JobStats> stats = new CachedGauge<>(10, TimeUnit.SECONDS) {
            @Override
            protected JobStats loadValue() {
                try {
                    return source.get();
                } catch (RuntimeException e) {
                    LOG.debug("JobRunr job stats unavailable", e);
                    return null;
                }
            }
        };
        gauge(metrics, "jobs.scheduled", stats, JobStats::getScheduled);
        gauge(metrics, "jobs.enqueued", stats, JobStats::getEnqueued);
        gauge(metrics, "jobs.processing", stats, JobStats::getProcessing);
        gauge(metrics, "jobs.failed", stats, JobStats::getFailed);
        gauge(metrics, "jobs.succeeded-total", stats, s -> nullToZero(s.getSucceeded()) + nullToZero(s.getAllTimeSucceeded()));
        gauge(metrics, "jobs.servers", stats, s -> (long) s.getBackgroundJobServers());
    }

    private static void gauge(MetricRegistry metrics, String name, CachedGauge<JobStats> stats,
                              Function<JobStats, Long> value) {
        metrics.register(name, (Gauge<Long>) () -> {
            JobStats current = stats.getValue();
            return current == null ? null : value.apply(current);
        });
    }

    private static long nullToZero(Long value) {
        return value == null ? 0 : value;
    }
}
