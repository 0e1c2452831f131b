package com.koomy.worker.jobs;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.dropwizard.lifecycle.Managed;
import org.jobrunr.server.BackgroundJobServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * JobRunr's free edition stops its background job server for good after storage errors (PostgreSQL
 * restarting, for one). This watches it and, once the database answers again, starts it again: no
 * operator action, and the jobs it held are picked up as orphans. The job-server health check reads
 * {@link #isProcessing()} meanwhile.
 */
public class JobServerSupervisor implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(JobServerSupervisor.class);

    private final Supplier<BackgroundJobServer> server;
    private final DataSource dataSource;
    private final Duration interval;
    private final Counter restarts;
    private ScheduledExecutorService executor;
    private volatile boolean stopping;
    private volatile int downChecks;

    public JobServerSupervisor(Supplier<BackgroundJobServer> server, DataSource dataSource, Duration interval,
                               MetricRegistry metrics) {
        this.server = server;
        this.dataSource = dataSource;
        this.interval = interval;
        this.restarts = metrics.counter("jobs.server-restarts");
    }

    @Override
    public void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "job-server-supervisor"));
        executor.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        stopping = true;
        executor.shutdownNow();
    }

    public boolean isProcessing() {
        BackgroundJobServer current = server.get();
        return current != null && current.isRunning();
    }

    void check() {
        try {
            BackgroundJobServer current = server.get();
            if (stopping || current == null || current.isRunning()) {
                downChecks = 0;
                return;
            }
            // isRunning() is briefly false while JobRunr itself holds its lifecycle lock: act on the
            // second check in a row only.
            if (++downChecks < 2) {
                return;
            }
            if (!databaseAnswers()) {
                LOG.warn("Background job server is stopped and the database does not answer yet; waiting");
                return;
            }
            LOG.warn("Background job server is stopped although the database answers; restarting it");
            current.start();
            restarts.inc();
            downChecks = 0;
        } catch (RuntimeException e) {
            LOG.error("Job server supervisor check failed; will try again", e);
        }
    }

    private boolean databaseAnswers() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2);
        } catch (Exception e) {
            return false;
        }
    }
}
