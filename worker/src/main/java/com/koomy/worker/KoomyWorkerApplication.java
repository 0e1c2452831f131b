package com.koomy.worker;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.koomy.db.DbCommand;
import com.koomy.db.KoomyDatabase;
import com.koomy.stripe.StripeGateway;
import com.koomy.stripe.events.StripeEventHandlers;
import com.koomy.accounts.SessionStore;
import com.koomy.worker.accounts.AccountsWorker;
import com.koomy.worker.communities.CommunitiesWorker;
import com.koomy.worker.content.ContentWorker;
import com.koomy.worker.email.EmailWorker;
import com.koomy.worker.health.JobServerHealthCheck;
import com.koomy.worker.jobs.JobRunrRuntime;
import com.koomy.worker.jobs.JobServerSupervisor;
import com.koomy.worker.jobs.JobStatsGauges;
import com.koomy.worker.jobs.JobsFactory;
import com.koomy.worker.jobs.MapJobActivator;
import com.koomy.worker.jobs.OutboxRelay;
import com.koomy.worker.jobs.OutboxRoutes;
import com.koomy.worker.media.MediaWorker;
import com.koomy.worker.payments.PaymentsWorker;
import com.koomy.worker.stripe.StripeReconcileCommand;
import com.koomy.worker.retention.RetentionWorker;
import com.koomy.worker.stripe.StripeEventsWorker;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.ds.PGSimpleDataSource;
import redis.clients.jedis.UnifiedJedis;

import javax.sql.DataSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The worker: JobRunr's background job server and dashboard, the outbox relay that feeds it, and the
 * supervisor that restarts the job server after a database outage. Run as many as the load needs. Each
 * feature wires its jobs, outbox routes and recurring jobs in its package ({@code XWorker}); {@link #run}
 * only says which (docs/architecture.md, "Wiring").
 */
public class KoomyWorkerApplication extends Application<WorkerConfiguration> {

    public static void main(String[] args) throws Exception {
        new KoomyWorkerApplication().run(args);
    }

    @Override
    public String getName() {
        return "koomy-worker";
    }

    @Override
    public void initialize(Bootstrap<WorkerConfiguration> bootstrap) {
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
                bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
        bootstrap.addCommand(new DbCommand<>(this));
        bootstrap.addCommand(new StripeReconcileCommand());
    }

    @Override
    public void run(WorkerConfiguration config, Environment environment) {
        if (config.isMigrateOnStart()) {
            KoomyDatabase.migrate(config);
        }
        Jdbi jdbi = KoomyDatabase.jdbi(environment, config.getDatabase(), "postgresql");
        UnifiedJedis redis = config.getRedis().build(environment, "koomy-worker");
        config.getHealth().register(environment, jdbi, redis);
        // Ready (GET /ready on the admin port) = this worker can do its work: its database and its job server.
        config.getHealth().readiness(environment, "database", "job-server");
        config.getGraphite().build(environment, "worker");
        config.getPrometheus().serve(environment); // GET /prometheus on the admin port, behind its credentials
        config.getAdmin().protect(environment); // admin pages but /ping and /healthcheck need credentials

        JobsFactory jobs = config.getJobs();
        ManagedDataSource jobsDataSource = jobs.getDatabase().build(environment.metrics(), "jobrunr");
        environment.lifecycle().manage(jobsDataSource);

        // Dues and plans (issue 6): their event handlers, jobs and recurring jobs; every Stripe call through one gateway.
        StripeGateway stripe = new StripeGateway(config.getStripe(), redis, config.getRedis().keys(), environment.metrics());
        // JobRunr exists once it started: the reconciliation's fan-out asks for its scheduler when it runs.
        AtomicReference<JobRunrRuntime> jobRunrRef = new AtomicReference<>();
        PaymentsWorker payments = new PaymentsWorker(config, stripe, jdbi, () -> jobRunrRef.get().scheduler());
        StripeEventsWorker stripeEvents = new StripeEventsWorker(jdbi, payments.handlers(stripeEventHandlers(jdbi)),
                config.getStripe().isLivemode());
        EmailWorker email = new EmailWorker(config, environment, jdbi, redis);
        ContentWorker content = new ContentWorker(jdbi, config.getOpenai());
        MediaWorker media = new MediaWorker(config.getMedia(), environment, jdbi);
        AccountsWorker accounts = new AccountsWorker(jdbi, SessionStore.revoker(redis, config.getRedis().keys()),
                config.getAccountDeletion());
        CommunitiesWorker communities = new CommunitiesWorker(jdbi, stripe, redis, config.getRedis().keys(), environment);
        // The failed-jobs retention asks for JobRunr's storage when it runs.
        RetentionWorker retention = new RetentionWorker(config.getRetention(), jdbi, () -> jobRunrRef.get().storage(),
                environment.metrics());

        Map<Class<?>, Object> jobInstances = new HashMap<>();
        List.of(stripeEvents.jobs(), email.jobs(), content.jobs(), media.jobs(), payments.jobs(), accounts.jobs(),
                communities.jobs(), retention.jobs()).forEach(jobInstances::putAll);
        JobRunrRuntime jobRunr = new JobRunrRuntime(jobs, jobsDataSource, directJobsDatabase(config), new MapJobActivator(jobInstances),
                List.of(stripeEvents.failureFilter(), email.failureFilter()));
        jobRunrRef.set(jobRunr);
        environment.lifecycle().manage(jobRunr);
        environment.lifecycle().manage(payments.recurringJobs(jobRunr::scheduler));
        environment.lifecycle().manage(media.recurringJobs(jobRunr::scheduler));
        environment.lifecycle().manage(communities.recurringJobs(jobRunr::scheduler));
        environment.lifecycle().manage(retention.recurringJobs(jobRunr::scheduler));
        environment.lifecycle().manage(accounts.recurringJobs(jobRunr::scheduler));
        JobStatsGauges.register(environment.metrics(), jobRunr::jobStats);

        OutboxRoutes routes = new OutboxRoutes();
        stripeEvents.routes(routes, jobs);
        email.routes(routes);
        content.routes(routes);
        media.routes(routes);
        accounts.routes(routes);
        communities.routes(routes);
        payments.routes(routes);
        environment.lifecycle().manage(new OutboxRelay(jdbi, jobRunr::scheduler, routes,
                jobs.getRelayInterval().toJavaDuration(), jobs.getRelayBatchSize(), environment.metrics(), jobRunr::wakeUp));

        poolUsage(environment.metrics(), "postgresql", config.getDatabase().getMaxSize());
        poolUsage(environment.metrics(), "jobrunr", jobs.getDatabase().getMaxSize());

        JobServerSupervisor supervisor = new JobServerSupervisor(jobRunr::server, jobsDataSource,
                jobs.getSupervisorInterval().toJavaDuration(), environment.metrics());
        environment.lifecycle().manage(supervisor);
        environment.healthChecks().register("job-server", new JobServerHealthCheck(supervisor));
    }

    /** Where JobRunr creates its tables: DATABASE_MIGRATE_URL (PostgreSQL directly) when set, else its pool's URL. */
    private static DataSource directJobsDatabase(WorkerConfiguration config) {
        DataSourceFactory jobs = config.getJobs().getDatabase();
        PGSimpleDataSource direct = new PGSimpleDataSource();
        direct.setURL(config.getMigrateUrl().isBlank() ? jobs.getUrl() : config.getMigrateUrl());
        direct.setUser(jobs.getUser());
        direct.setPassword(jobs.getPassword());
        direct.setPrepareThreshold(0); // harmless directly, needed if the URL is a transaction pooler's after all
        direct.setApplicationName("koomy-worker-jobrunr-setup");
        return direct;
    }

    /** {@code koomy.db.<pool>.usage}: active / maxSize, next to Dropwizard's own pool gauges (alert above 0.8). */
    private static void poolUsage(MetricRegistry metrics, String pool, int maxSize) {
        metrics.gauge("koomy.db." + pool + ".usage", () -> () -> {
            Gauge<?> active = metrics.getGauges().get("io.dropwizard.db.ManagedPooledDataSource." + pool + ".active");
            return active != null && active.getValue() instanceof Number n && maxSize > 0 ? n.doubleValue() / maxSize : 0.0;
        });
    }

    /** The handlers applied to Stripe events, by type. Payment and billing handlers join here. */
    protected StripeEventHandlers stripeEventHandlers(Jdbi jdbi) {
        return new StripeEventHandlers();
    }
}
