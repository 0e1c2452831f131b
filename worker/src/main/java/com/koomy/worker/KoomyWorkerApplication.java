package com.koomy.worker;

import com.codahale.metrics.CachedGauge;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.koomy.accounts.AccountExport;
import com.koomy.accounts.BuildAccountExport;
import com.koomy.accounts.BuildAccountExportJob;
import com.koomy.config.InstanceName;
import com.koomy.content.ContentDraft;
import com.koomy.content.GenerateDraft;
import com.koomy.content.GenerateDraftJob;
import com.koomy.config.SendGridFactory;
import com.koomy.email.Email;
import com.koomy.email.EmailDao;
import com.koomy.email.EmailFailureFilter;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailRateLimiter;
import com.koomy.email.EmailRenderer;
import com.koomy.email.FanOutNewsletter;
import com.koomy.email.FanOutNewsletterJob;
import com.koomy.email.ListUnsubscribe;
import com.koomy.email.Mailer;
import com.koomy.email.UnsubscribeTokens;
import com.koomy.email.Newsletters;
import com.koomy.email.SendEmail;
import com.koomy.email.SendEmailJob;
import com.koomy.email.SendGridMailer;
import com.koomy.email.SinkMailer;
import com.koomy.db.DbCommand;
import com.koomy.config.MediaFactory;
import com.koomy.media.CollectOrphanMedia;
import com.koomy.media.CollectOrphanMediaJob;
import com.koomy.media.MakeMediaVariants;
import com.koomy.media.MakeMediaVariantsJob;
import com.koomy.media.Media;
import com.koomy.media.MediaBlobs;
import com.koomy.media.image.ImagePipeline;
import com.koomy.db.KoomyDatabase;
import com.koomy.webhooks.ApplyStripeEvent;
import com.koomy.webhooks.ApplyStripeEvents;
import com.koomy.webhooks.ApplyStripeEventsJob;
import com.koomy.webhooks.ApplyStripeEventJob;
import com.koomy.webhooks.StripeEvent;
import com.koomy.webhooks.StripeEventFailureFilter;
import com.koomy.webhooks.StripeEventHandlers;
import com.koomy.webhooks.StripeEventReplays;
import com.koomy.stripe.StripeGateway;
import com.koomy.worker.payments.PaymentsWorker;
import com.koomy.worker.payments.StripeReconcileCommand;
import com.koomy.worker.health.JobServerHealthCheck;
import com.koomy.worker.jobs.JobRunrRuntime;
import com.koomy.worker.jobs.JobServerSupervisor;
import com.koomy.worker.jobs.JobStatsGauges;
import com.koomy.worker.jobs.JobsFactory;
import com.koomy.worker.jobs.MapJobActivator;
import com.koomy.worker.jobs.OutboxRelay;
import com.koomy.worker.jobs.OutboxRoutes;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.lifecycle.Managed;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.scheduling.JobBuilder;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.scheduling.RecurringJobBuilder;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The worker: JobRunr's background job server and dashboard, the outbox relay that feeds it, and the
 * supervisor that restarts the job server after a database outage. Run as many as the load needs.
 */
public class KoomyWorkerApplication extends Application<WorkerConfiguration> {

    /** Retries of an image's sizes after a storage error (3^n s apart); the original stays usable meanwhile. */
    private static final int MEDIA_RETRIES = 5;

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
            KoomyDatabase.migrate(config.getDatabase());
        }
        Jdbi jdbi = KoomyDatabase.jdbi(environment, config.getDatabase(), "postgresql");
        RedisClient redis = config.getRedis().build(environment, "koomy-worker");
        config.getHealth().register(environment, jdbi, redis);
        // Ready (GET /ready on the admin port) = this worker can do its work: its database and its job server.
        config.getHealth().readiness(environment, "database", "job-server");
        config.getGraphite().build(environment, "worker", InstanceName.of("worker"));
        config.getAdmin().protect(environment); // admin pages but /ping and /healthcheck need credentials

        JobsFactory jobs = config.getJobs();
        jobs.getDatabase().getProperties().put("currentSchema", KoomyDatabase.JOBRUNR_SCHEMA);
        ManagedDataSource jobsDataSource = jobs.getDatabase().build(environment.metrics(), "jobrunr");
        environment.lifecycle().manage(jobsDataSource);

        // Dues and plans (issue 6): their event handlers, jobs and recurring jobs; every Stripe call through one gateway.
        PaymentsWorker payments = new PaymentsWorker(config, new StripeGateway(config.getStripe(), redis, config.getRedis().keys(), environment.metrics()), jdbi);
        StripeEventHandlers stripeHandlers = payments.handlers(stripeEventHandlers(jdbi));
        ApplyStripeEventJob applyStripeEvent = new ApplyStripeEventJob(jdbi, stripeHandlers, config.getStripe().isLivemode());
        ApplyStripeEventsJob applyStripeEvents = new ApplyStripeEventsJob(jdbi, stripeHandlers, config.getStripe().isLivemode(),
                applyStripeEvent);
        // Jobs that schedule their own continuation need JobRunr's scheduler, which exists once JobRunr does.
        AtomicReference<JobRunrRuntime> runtime = new AtomicReference<>();
        SendEmailJob sendEmail = emailDelivery(config, environment, jdbi, redis, () -> runtime.get().scheduler());
        GenerateDraftJob generateDraft = new GenerateDraftJob(jdbi, config.getOpenai());
        // Media (issue 8): the smaller sizes of uploaded images, and the orphan collection.
        MediaFactory media = config.getMedia();
        MediaBlobs mediaBlobs = new MediaBlobs(jdbi, media.getStorage().build(environment.lifecycle()));
        MakeMediaVariantsJob makeMediaVariants = new MakeMediaVariantsJob(jdbi,
                new ImagePipeline(media).registerMetrics(environment.metrics()), mediaBlobs, media);
        CollectOrphanMediaJob collectOrphanMedia = new CollectOrphanMediaJob(jdbi, mediaBlobs.store(),
                millis(media.getOrphanGrace()), java.time.Clock.systemUTC());
        JobRunrRuntime jobRunr = new JobRunrRuntime(jobs, jobsDataSource,
                new MapJobActivator(withAll(payments.jobs(), Map.of(
                        ApplyStripeEventJob.class, applyStripeEvent,
                        ApplyStripeEventsJob.class, applyStripeEvents,
                        SendEmailJob.class, sendEmail,
                        FanOutNewsletterJob.class, new FanOutNewsletterJob(jdbi),
                        GenerateDraftJob.class, generateDraft,
                        MakeMediaVariantsJob.class, makeMediaVariants,
                        CollectOrphanMediaJob.class, collectOrphanMedia,
                        BuildAccountExportJob.class, new BuildAccountExportJob(jdbi)))),
                List.of(new StripeEventFailureFilter(jdbi), new EmailFailureFilter(jdbi)));
        runtime.set(jobRunr);
        environment.lifecycle().manage(jobRunr);
        environment.lifecycle().manage(payments.recurringJobs(jobRunr::scheduler));
        JobStatsGauges.register(environment.metrics(), jobRunr::jobStats);

        OutboxRoutes routes = new OutboxRoutes()
                .routeInBatches(StripeEvent.RECEIVED_OUTBOX_KIND, jobs.getStripeEventBatch(), eventIds -> JobBuilder.aJob()
                        .withName(eventIds.size() == 1 ? "Apply received Stripe events: " + eventIds.get(0)
                                : "Apply " + eventIds.size() + " received Stripe events: " + eventIds.get(0) + " …")
                        .withAmountOfRetries(jobs.getStripeEventRetries())
                        .withJobRequest(new ApplyStripeEvents(eventIds)))
                .route(StripeEvent.OUTBOX_KIND, ref -> JobBuilder.aJob()
                        .withName("Apply Stripe event " + ref.replace("#", " (") + (ref.contains("#") ? ")" : ""))
                        .withAmountOfRetries(jobs.getStripeEventRetries())
                        .withJobRequest(new ApplyStripeEvent(StripeEventReplays.eventId(ref))))
                .route(Email.OUTBOX_KIND, ref -> JobBuilder.aJob()
                        .withName("Deliver email " + ref)
                        .withAmountOfRetries(jobs.getEmailRetries())
                        .withJobRequest(new SendEmail(EmailOutbox.emailId(ref))))
                // A scheduled newsletter's ref carries its time: the fan-out job is scheduled for it.
                .route(Newsletters.OUTBOX_KIND, ref -> {
                    JobBuilder job = JobBuilder.aJob()
                            .withName("Send newsletter " + ref + " (snapshot and batches)")
                            .withAmountOfRetries(jobs.getEmailRetries())
                            .withJobRequest(new FanOutNewsletter(Newsletters.newsletterId(ref)));
                    return Newsletters.dueAt(ref) == null ? job : job.scheduleAt(Newsletters.dueAt(ref));
                })
                // Same retry count as the draft's own, so JobRunr and the draft give up together.
                .route(ContentDraft.OUTBOX_KIND, draftId -> JobBuilder.aJob()
                        .withName("Generate AI draft " + draftId)
                        .withAmountOfRetries(config.getOpenai().getMaxRetries())
                        .withJobRequest(new GenerateDraft(UUID.fromString(draftId))))
                // "Export my data" (issue 21): one archive per request, built in one statement.
                .route(AccountExport.OUTBOX_KIND, exportId -> JobBuilder.aJob()
                        .withName("Build data export " + exportId)
                        .withAmountOfRetries(3)
                        .withJobRequest(new BuildAccountExport(UUID.fromString(exportId))))
                .route(Media.OUTBOX_KIND, mediaId -> JobBuilder.aJob()
                        .withName("Make the sizes of image " + mediaId)
                        .withAmountOfRetries(MEDIA_RETRIES)
                        .withJobRequest(new MakeMediaVariants(UUID.fromString(mediaId))));
        // Registered at every start under a stable id: JobRunr keeps one recurring job, updated in place.
        environment.lifecycle().manage(new Managed() {
            @Override
            public void start() {
                jobRunr.scheduler().createRecurrently(RecurringJobBuilder.aRecurringJob()
                        .withId(CollectOrphanMedia.RECURRING_ID)
                        .withName("Collect orphaned media (grace " + media.getOrphanGrace() + ")")
                        .withInterval(millis(media.getCollectEvery()))
                        .withJobRequest(new CollectOrphanMedia()));
            }
        });
        environment.lifecycle().manage(new OutboxRelay(jdbi, jobRunr::scheduler, routes,
                millis(jobs.getRelayInterval()), jobs.getRelayBatchSize(), environment.metrics(), jobRunr::wakeUp));

        poolUsage(environment.metrics(), "postgresql", config.getDatabase().getMaxSize());
        poolUsage(environment.metrics(), "jobrunr", jobs.getDatabase().getMaxSize());

        JobServerSupervisor supervisor = new JobServerSupervisor(jobRunr::server, jobsDataSource,
                millis(jobs.getSupervisorInterval()), environment.metrics());
        environment.lifecycle().manage(supervisor);
        environment.healthChecks().register("job-server", new JobServerHealthCheck(supervisor));
    }

    /**
     * Email delivery through SendGrid when SENDGRID_API_KEY is set (rate-limited for all workers
     * together through Redis), else through the local sink.
     */
    private static SendEmailJob emailDelivery(WorkerConfiguration config, Environment environment, Jdbi jdbi,
                                              RedisClient redis, Supplier<JobRequestScheduler> scheduler) {
        SendGridFactory sendgrid = config.getSendgrid();
        Mailer mailer;
        EmailRateLimiter limiter = null;
        if (sendgrid.isConfigured()) {
            SendGridMailer sendGridMailer = new SendGridMailer(sendgrid, config.getJobs().getWorkerCount());
            environment.lifecycle().manage(new Managed() {
                @Override
                public void stop() throws Exception {
                    sendGridMailer.close();
                }
            });
            mailer = sendGridMailer;
            limiter = new EmailRateLimiter(redis, config.getRedis().keys().providerLimit("sendgrid"),
                    sendgrid.getRateLimitPerSecond());
        } else {
            mailer = new SinkMailer();
        }
        LoggerFactory.getLogger(KoomyWorkerApplication.class).info("Email goes to {}{}", mailer.name(),
                limiter == null ? "" : " at most " + sendgrid.getRateLimitPerSecond() + " requests/s across all workers");
        EmailRenderer renderer = new EmailRenderer(Map.of("productName", "Koomy", "siteUrl", config.getPublicUrl()));
        // The lease outlives an attempt that times out, so a live attempt is never taken for a dead one.
        Duration lease = sendgrid.longestAttempt();
        environment.metrics().register("koomy.email.needing-operator", new CachedGauge<Long>(30, TimeUnit.SECONDS) {
            @Override
            protected Long loadValue() {
                return jdbi.withExtension(EmailDao.class, EmailDao::countNeedingOperator);
            }
        });
        // Half the job threads at most wait for SendGrid at once: a slow SendGrid (answers take up to the
        // request timeout) leaves the other half to webhooks and AI drafts.
        int maxInFlight = limiter == null ? 0 : Math.max(1, config.getJobs().getWorkerCount() / 2);
        // Newsletters carry List-Unsubscribe (mailto and a signed one-click link; mailto alone without the secret).
        UnsubscribeTokens tokens = UnsubscribeTokens.orNull(config.getUnsubscribeSecret());
        if (tokens == null) {
            LoggerFactory.getLogger(KoomyWorkerApplication.class).warn("KOOMY_UNSUBSCRIBE_SECRET is not set: newsletters "
                    + "go out with a mailto List-Unsubscribe only (the API refuses to send new ones)");
        }
        ListUnsubscribe listUnsubscribe = new ListUnsubscribe(config.getPublicUrl(), sendgrid.getFromEmail(), tokens);
        return new SendEmailJob(jdbi, renderer, mailer, limiter, scheduler,
                new SendEmailJob.Limits(lease, config.getJobs().getEmailRetries(), maxInFlight), environment.metrics(),
                listUnsubscribe);
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

    private static Map<Class<?>, Object> withAll(Map<Class<?>, Object> more, Map<Class<?>, Object> jobs) {
        Map<Class<?>, Object> all = new java.util.HashMap<>(jobs);
        all.putAll(more);
        return all;
    }

    private static Duration millis(io.dropwizard.util.Duration duration) {
        return Duration.ofMillis(duration.toMilliseconds());
    }
}
