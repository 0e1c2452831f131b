package com.koomy.worker.jobs;

import com.koomy.config.BasicCredentials;
import com.koomy.db.KoomyDatabase;
import io.dropwizard.lifecycle.Managed;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.configuration.JobRunrConfiguration.JobRunrConfigurationResult;
import org.jobrunr.jobs.filters.JobFilter;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.server.JobSteward;
import org.jobrunr.server.JobActivator;
import org.jobrunr.storage.JobStats;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.StorageProviderUtils.DatabaseOptions;
import org.jobrunr.storage.sql.common.DatabaseCreator;
import org.jobrunr.storage.sql.common.SqlStorageProviderFactory;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;
import org.jobrunr.utils.mapper.JsonMapper;
import org.jobrunr.utils.mapper.JsonMapperFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.jobrunr.server.BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration;

/**
 * JobRunr's storage, background job server and dashboard ({@link DashboardServer}, on an address of
 * our choosing), started with the process and stopped with it (running jobs get {@code shutdownTimeout}
 * to finish).
 */
public class JobRunrRuntime implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunrRuntime.class);
    /**
     * JobRunr's tables are named {@code jobrunr.jobrunr_*} in every statement it sends: they are found whatever the
     * connection's search_path (behind a transaction pooler, the role's, which names our schema).
     */
    public static final String TABLE_PREFIX = KoomyDatabase.JOBRUNR_SCHEMA + ".";

    private final JobsFactory config;
    private final DataSource dataSource;
    private final DataSource direct;
    private final JobActivator activator;
    private final List<JobFilter> filters;
    private final InFlightJobs inFlight = new InFlightJobs();
    private volatile JobRunrConfigurationResult result;
    private volatile StorageProvider storage;
    private volatile DashboardServer dashboard;

    /**
     * JobRunr runs on {@code dataSource} (its pool); its schema and tables are created or migrated at start on
     * {@code direct}, PostgreSQL without a pooler in between (DATABASE_MIGRATE_URL, like our own migrations).
     */
    public JobRunrRuntime(JobsFactory config, DataSource dataSource, DataSource direct, JobActivator activator,
                          List<JobFilter> filters) {
        this.config = config;
        this.dataSource = dataSource;
        this.direct = direct;
        this.activator = activator;
        this.filters = java.util.stream.Stream.concat(filters.stream(), java.util.stream.Stream.of(inFlight)).toList();
    }

    @Override
    public void start() throws SQLException {
        BasicCredentials dashboardCredentials = dashboardCredentials();
        createSchema();
        new DatabaseCreator(direct, TABLE_PREFIX, PostgresStorageProvider.class).runMigrations();
        storage = SqlStorageProviderFactory.using(dataSource, TABLE_PREFIX, DatabaseOptions.SKIP_CREATE);
        // The mapper JobRunr would pick by itself, named so that our dashboard reads jobs as JobRunr wrote them.
        JsonMapper json = JsonMapperFactory.createJsonMapper();
        BackgroundJobServerConfiguration server = usingStandardBackgroundJobServerConfiguration()
                .andWorkerCount(config.getWorkerCount())
                .andPollInterval(config.getPollInterval().toJavaDuration())
                .andDeleteSucceededJobsAfter(config.getDeleteSucceededAfter().toJavaDuration())
                .andPermanentlyDeleteDeletedJobsAfter(config.getPermanentlyDeleteDeletedAfter().toJavaDuration())
                .andInterruptJobsAwaitDurationOnStopBackgroundJobServer(
                        config.getShutdownTimeout().toJavaDuration());
        result = JobRunr.configure()
                .useJsonMapper(json)
                .useStorageProvider(storage)
                .useJobActivator(activator)
                .withJobFilter(filters.toArray(new JobFilter[0]))
                .useBackgroundJobServer(server)
                .initialize();
        if (config.isDashboardEnabled()) {
            dashboard = DashboardServer.start(storage, json, config.getDashboardBindHost(), config.getDashboardPort(),
                    dashboardCredentials);
        }
        LOG.info("JobRunr started: {} workers, poll every {}, dashboard {}", config.getWorkerCount(),
                config.getPollInterval(), dashboard != null ? "on " + config.getDashboardBindHost() + ":" + dashboard.port() : "off");
    }

    /** JobRunr creates its tables but not the schema they live in. */
    private void createSchema() throws SQLException {
        try (Connection connection = direct.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS " + KoomyDatabase.JOBRUNR_SCHEMA);
        }
    }

    private BasicCredentials dashboardCredentials() {
        BasicCredentials credentials = new BasicCredentials(config.getDashboardUser(), config.getDashboardPassword());
        if (config.isDashboardEnabled() && !credentials.isConfigured()) {
            // The dashboard can delete and requeue jobs: never serve it without credentials, even on loopback.
            throw new IllegalStateException("The JobRunr dashboard is enabled but KOOMY_DASHBOARD_USER or "
                    + "KOOMY_DASHBOARD_PASSWORD is empty; set both or set KOOMY_DASHBOARD_ENABLED=false");
        }
        return credentials;
    }

    @Override
    public void stop() {
        if (result != null) {
            LOG.info("Stopping JobRunr: running jobs get up to {} to finish", config.getShutdownTimeout());
            if (dashboard != null) {
                dashboard.stop();
            }
            result.getBackgroundJobServer().stop();
            try {
                int left = inFlight.awaitIdle(config.getShutdownTimeout().toJavaDuration());
                if (left > 0) {
                    LOG.warn("{} jobs still running after {}; stopping anyway (JobRunr will run them again)", left,
                            config.getShutdownTimeout());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            JobRunr.destroy();
        }
    }

    /** Our jobs are JobRequests: JobRunr makes them through its JobRequestScheduler. */
    public JobRequestScheduler scheduler() {
        if (result == null) {
            throw new IllegalStateException("JobRunr is not started yet");
        }
        return result.getJobRequestScheduler();
    }

    /** Jobs by state, as the dashboard counts them; null before the start. */
    public JobStats jobStats() {
        StorageProvider current = storage;
        return current == null ? null : current.getJobStats();
    }

    /** JobRunr's storage (the retention of failed jobs goes through it); null before the start. */
    public StorageProvider storage() {
        return storage;
    }

    public BackgroundJobServer server() {
        return result == null ? null : result.getBackgroundJobServer();
    }

    /**
     * Makes this process's job server fetch enqueued jobs now instead of at its next poll (every 5 s
     * at best in JobRunr's free edition): the relay calls it after committing new jobs, so a queued
     * email or webhook starts within milliseconds. Occupied-then-idle is the public path JobRunr
     * itself takes when a worker thread frees up; it fetches only if there is room.
     */
    public void wakeUp() {
        BackgroundJobServer current = server();
        if (current != null && current.isRunning() && !current.isNotReadyToProcessJobs()) {
            JobSteward steward = current.getJobSteward();
            try {
                steward.notifyThreadOccupied();
                steward.notifyThreadIdle();
            } catch (RuntimeException e) {
                // Only an early start is lost: the next poll fetches the jobs anyway.
                LOG.warn("Could not wake the job server up after a relay: {}", e.toString());
            }
        }
    }
}
