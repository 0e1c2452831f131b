package com.koomy.api;

import com.koomy.api.alerts.AlertCheck;
import com.koomy.api.alerts.AlertSignals;
import com.koomy.api.alerts.Alerts;
import com.koomy.api.docs.OpenApiDocumentResource;
import com.koomy.accounts.Accounts;
import com.koomy.accounts.PasswordHasher;
import com.koomy.accounts.SessionStore;
import com.koomy.api.accounts.AuthResource;
import com.koomy.api.auth.AccessFeature;
import com.koomy.api.auth.AccessGate;
import com.koomy.api.auth.SessionAuthFilter;
import com.koomy.api.communities.CommunitiesResource;
import com.koomy.api.events.CheckinsResource;
import com.koomy.api.events.DoorScanFilter;
import com.koomy.api.events.EventDraftsResource;
import com.koomy.api.events.EventStaffResource;
import com.koomy.api.events.EventsResource;
import com.koomy.api.events.RegistrationsResource;
import com.koomy.errors.ApiException;
import com.koomy.events.CheckIns;
import com.koomy.events.CheckinBundle;
import com.koomy.events.CheckinStats;
import com.koomy.events.CheckinStatsReader;
import com.koomy.events.EventDrafts;
import com.koomy.events.EventStaff;
import com.koomy.events.Events;
import com.koomy.events.Registrations;
import com.koomy.events.ScannerAccess;
import com.koomy.events.TicketKeys;
import com.koomy.events.TicketMail;
import com.koomy.api.communities.PublicPageFilter;
import com.koomy.api.communities.PublicPages;
import com.koomy.api.health.HealthResource;
import com.koomy.api.http.StrictJsonBodies;
import com.koomy.api.http.UnknownFieldsHandler;
import com.koomy.api.memberships.DirectoryFilter;
import com.koomy.api.memberships.DirectoryPages;
import com.koomy.api.memberships.InvitationsResource;
import com.koomy.api.memberships.MemberExportResource;
import com.koomy.api.memberships.MembershipCardResource;
import com.koomy.api.memberships.MembershipsResource;
import com.koomy.api.news.NewsDraftsResource;
import com.koomy.api.news.NewsResource;
import com.koomy.api.newsletters.NewslettersResource;
import com.koomy.api.newsletters.UnsubscribeResource;
import com.koomy.email.EmailRenderer;
import com.koomy.newsletters.CommunityNewsletters;
import com.koomy.newsletters.NewsletterSubscriptions;
import com.koomy.api.payments.PaymentsRoutes;
import com.koomy.content.ContentDrafts;
import com.koomy.news.NewsDrafts;
import com.koomy.news.NewsPosts;
import com.koomy.communities.CommunityKeys;
import com.koomy.memberships.Invitations;
import com.koomy.memberships.MemberExport;
import com.koomy.memberships.MembershipCards;
import com.koomy.communities.Communities;
import com.koomy.memberships.Memberships;
import com.koomy.api.ratelimit.RateLimitFilter;
import com.koomy.api.ratelimit.DoorCodeBudget;
import com.koomy.api.ratelimit.StripeCallBudget;
import com.koomy.stripe.StripeQuota;
import com.koomy.api.ratelimit.RateLimiter;
import com.koomy.api.ops.OpsAlertsResource;
import com.koomy.api.ops.OpsStatsResource;
import com.koomy.api.ops.OpsOutboxResource;
import com.koomy.api.http.ApiExceptionMapper;
import com.koomy.api.http.FallbackExceptionMapper;
import com.koomy.api.http.JsonProcessingExceptionMapper;
import com.koomy.api.http.JsonBodyLimitFilter;
import com.koomy.api.http.JsonErrorHandler;
import com.koomy.api.http.UnambiguousPathFilter;
import com.koomy.api.http.NoNulStrings;
import com.koomy.api.http.RequestLogFilter;
import com.koomy.api.http.ValidationExceptionMapper;
import com.koomy.api.http.WebApplicationExceptionMapper;
import com.koomy.api.stats.OpsSampler;
import com.koomy.api.stats.PoolStats;
import com.koomy.api.stats.RequestStats;
import com.koomy.api.stats.RequestStatsFilter;
import com.koomy.api.stats.RequestWindows;
import com.koomy.api.stats.RouteTemplateFilter;
import com.koomy.api.stats.StatsFlusher;
import com.koomy.api.stats.StatsStore;
import com.koomy.api.webhooks.SendGridEventParser;
import com.koomy.api.webhooks.SendGridSignatureVerifier;
import com.koomy.api.webhooks.SendGridWebhookResource;
import com.koomy.api.webhooks.StripeEventParser;
import com.koomy.api.webhooks.StripeSignatureVerifier;
import com.koomy.api.webhooks.StripeEventIngest;
import com.koomy.api.webhooks.StripeWebhookFilter;
import com.koomy.api.webhooks.StripeWebhookIntake;
import com.koomy.api.webhooks.StripeWebhookResource;
import com.koomy.config.StripeFactory;
import com.koomy.config.InstanceName;
import com.koomy.config.MediaFactory;
import com.koomy.api.media.MediaBlobResource;
import com.koomy.api.media.MediaResource;
import com.koomy.api.media.MediaUrls;
import com.koomy.media.CommunityMedia;
import com.koomy.media.MediaBlobs;
import com.koomy.media.image.ImagePipeline;
import com.koomy.media.storage.BlobStore;
import com.koomy.config.ReadReplicaFactory;
import com.koomy.config.RedisKeys;
import com.koomy.db.DbCommand;
import com.koomy.db.KoomyDatabase;
import com.koomy.db.ReadDatabase;
import com.koomy.health.Readiness;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.DispatcherType;
import org.jdbi.v3.core.Jdbi;
import redis.clients.jedis.RedisClient;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;

/**
 * The HTTP API. It writes to PostgreSQL and leaves everything slow or external to the workers,
 * through the outbox; it never calls Stripe's side effects, SendGrid or OpenAI inline.
 */
public class KoomyApiApplication extends Application<ApiConfiguration> {

    public static void main(String[] args) throws Exception {
        new KoomyApiApplication().run(args);
    }

    @Override
    public String getName() {
        return "koomy-api";
    }

    @Override
    public void initialize(Bootstrap<ApiConfiguration> bootstrap) {
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
                bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
        bootstrap.addCommand(new DbCommand<>(this));
    }

    @Override
    public void run(ApiConfiguration config, Environment environment) {
        if (config.isMigrateOnStart()) {
            KoomyDatabase.migrate(config.getDatabase());
        }
        // Instants as ISO-8601 strings ("2026-11-24T02:21:23.717Z"), not epoch numbers.
        environment.getObjectMapper().disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        Jdbi jdbi = KoomyDatabase.jdbi(environment, config.getDatabase(), "postgresql");
        RedisClient redis = config.getRedis().build(environment, "koomy-api");
        RedisKeys redisKeys = config.getRedis().keys(); // every key under redis.keyPrefix (docs/architecture.md)
        config.getHealth().register(environment, jdbi, redis);
        // Ready (GET /ready on the admin port, GET /api/health/ready) = this API can serve: its database pool.
        // Redis and the workers are reported by /api/health, not here: a Redis blip or a worker rollout must not
        // take every API instance out of the load balancer at once.
        Readiness readiness = config.getHealth().readiness(environment, "database");
        // Read-mostly queries (member directory, news feed, event lists, statistics) go to the read replica
        // when one is configured and close enough behind (issue 9; docs/operations.md, "Read replica"). Its
        // 403/404 answers are checked on the primary: a lagging replica does not know a member who just joined.
        ReadDatabase reads = config.getReadReplica().build(environment, config.getDatabase(), jdbi,
                e -> e instanceof ApiException refused && (refused.status() == 403 || refused.status() == 404));
        config.getGraphite().build(environment, "api", InstanceName.of("api"));
        config.getAdmin().protect(environment); // admin pages but /ping and /healthcheck need credentials

        // Paths that read as more than one are 400 before anything reads them; errors Jetty answers itself are
        // JSON too (docs/security.md, "Authorization").
        try {
            environment.servlets().addFilter("unambiguous-paths", new UnambiguousPathFilter(environment.getObjectMapper()))
                    .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        JsonErrorHandler errors = new JsonErrorHandler(environment.getObjectMapper());
        environment.getApplicationContext().setErrorHandler(errors);
        environment.lifecycle().addServerLifecycleListener(server -> server.setErrorHandler(errors));

        environment.servlets()
                .addFilter("request-log", new RequestLogFilter(
                        Duration.ofMillis(config.getWarnRequestsOver().toMilliseconds()),
                        Duration.ofMillis(config.getSlowRequestsOver().toMilliseconds())))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/api/*");

        // JSON bodies over the limit are 413 before Jackson reads them; U+0000 in a string is 400 (PostgreSQL
        // cannot store it).
        try {
            environment.servlets().addFilter("json-body-limit", new JsonBodyLimitFilter(
                            (int) config.getMaxJsonBody().toBytes(), environment.getObjectMapper()))
                    .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/api/*");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        environment.getObjectMapper().registerModule(NoNulStrings.module());
        // Request bodies are read strictly: no unknown field, no coercion between text and numbers, every wrong
        // field named at once (docs/api.md, "Errors").
        StrictJsonBodies.strict(environment.getObjectMapper());
        environment.getObjectMapper().addHandler(new UnknownFieldsHandler());
        environment.jersey().register(new StrictJsonBodies(environment.getObjectMapper()));
        environment.jersey().register(new ApiExceptionMapper());
        environment.jersey().register(new WebApplicationExceptionMapper());
        environment.jersey().register(new JsonProcessingExceptionMapper());
        environment.jersey().register(new ValidationExceptionMapper());
        environment.jersey().register(new FallbackExceptionMapper());

        environment.jersey().register(new OpenApiDocumentResource(
                com.koomy.api.docs.BuildInfo.version(), config.getPublicUrl()));
        SessionStore sessions = new SessionStore(redis, redisKeys,
                java.time.Duration.ofMillis(config.getSessionIdleTimeout().toMilliseconds()),
                java.time.Duration.ofMillis(config.getSessionAbsoluteTimeout().toMilliseconds()));
        Accounts accounts = new Accounts(jdbi, new PasswordHasher(), sessions, config.getPublicUrl());
        // Access is declared on each resource method (@Access) and checked after Jersey matched it; the fast
        // paths check the same declarations through the same gate (docs/security.md, "Authorization").
        AccessGate gate = new AccessGate(sessions, config.getOpsToken(), jdbi);
        environment.jersey().register(new SessionAuthFilter(gate));
        environment.jersey().register(new AccessFeature(gate));
        environment.jersey().register(new HealthResource(environment.healthChecks(), ReadReplicaFactory.HEALTH_CHECKS, gate,
                java.time.Duration.ofSeconds(1), readiness));
        RateLimiter limiter = new RateLimiter(redis, config.getRateLimits().getPolicies(),
                redisKeys, environment.metrics());
        if (config.getRateLimits().isEnabled()) {
            environment.jersey().register(new RateLimitFilter(limiter, config.getTrustedProxies()));
        }
        environment.jersey().register(new AuthResource(accounts, sessions,
                config.getRateLimits().isEnabled() ? limiter : null));
        // Newsletters' List-Unsubscribe headers, as the worker computes them, for the outbox and the API's checks.
        com.koomy.email.ListUnsubscribe listUnsubscribe = new com.koomy.email.ListUnsubscribe(config.getPublicUrl(),
                config.getSendgrid().getFromEmail(), com.koomy.email.UnsubscribeTokens.orNull(config.getUnsubscribeSecret()));
        environment.jersey().register(new OpsOutboxResource(jdbi, listUnsubscribe));
        StripeFactory stripe = config.getStripe();
        StripeEventIngest stripeIngest = new StripeEventIngest(jdbi, stripe.getWebhookWriters(), stripe.getWebhookBatch(),
                stripe.getWebhookQueue(), java.time.Duration.ofMillis(stripe.getWebhookStoreTimeout().toMilliseconds()),
                environment.metrics());
        environment.lifecycle().manage(stripeIngest);
        StripeWebhookIntake stripeIntake = new StripeWebhookIntake(
                new StripeSignatureVerifier(stripe.webhookSecretList(), stripe.getWebhookTolerance().toSeconds()),
                new StripeEventParser(environment.getObjectMapper()), stripeIngest, (int) stripe.getMaxWebhookBody().toBytes());
        environment.jersey().register(new StripeWebhookResource(stripeIntake));
        environment.jersey().register(new SendGridWebhookResource(jdbi,
                new SendGridSignatureVerifier(config.getSendgrid().getWebhookPublicKey()),
                new SendGridEventParser(environment.getObjectMapper()),
                SendGridWebhookResource.MAX_BODY_BYTES));

        // Operators' statistics and alerts (issue 7; docs/operations.md, "Alerts"). Requests are counted
        // in memory per route template, flushed to Redis (summed over instances); alerts are evaluated
        // on a schedule and never change /api/health's status (see AlertCheck).
        Clock clock = Clock.systemUTC();
        RequestStats requestStats = new RequestStats(clock);
        StatsStore statsStore = new StatsStore(redis, redisKeys,
                millis(config.getStats().getRetention()));
        StatsFlusher statsFlusher = new StatsFlusher(requestStats, statsStore,
                millis(config.getStats().getFlushEvery()), millis(config.getStats().getRetention()), clock);
        environment.lifecycle().manage(statsFlusher);
        RequestWindows requestWindows = new RequestWindows(statsStore, statsFlusher, clock);
        environment.servlets().addFilter("request-stats", new RequestStatsFilter(requestStats))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/api/*");
        environment.jersey().register(new RouteTemplateFilter());
        // Stripe deliveries are answered before Jersey (after the request log and statistics filters).
        environment.servlets().addFilter("stripe-webhooks", new StripeWebhookFilter(stripeIntake, environment.getObjectMapper()))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/api/webhooks/stripe");
        PoolStats pools = new PoolStats(environment.metrics(), config.getReadReplica().isEnabled()
                ? Map.of("postgresql", config.getDatabase().getMaxSize(), ReadReplicaFactory.POOL, config.getReadReplica().getMaxSize())
                : Map.of("postgresql", config.getDatabase().getMaxSize()), redis.getPool());
        pools.registerGauges();
        Alerts alerts = new Alerts(AlertSignals.all(config.getAlerts(), pools, ManagementFactory.getMemoryMXBean()),
                requestWindows, (int) Math.max(1, config.getAlerts().getWindow().toMinutes()), clock);
        alerts.names().forEach(name -> environment.healthChecks().register(AlertCheck.PREFIX + name, new AlertCheck(alerts, name)));
        OpsSampler opsSampler = new OpsSampler(jdbi, clock, millis(config.getAlerts().getEvaluateEvery()),
                millis(config.getHealth().getJobServerMaxHeartbeatAge()), millis(config.getAlerts().getFailedJobsWindow()),
                alerts::evaluate);
        opsSampler.registerGauges(environment.metrics());
        environment.lifecycle().manage(opsSampler);
        environment.jersey().register(new OpsStatsResource(requestWindows, opsSampler, pools, reads, clock));
        environment.jersey().register(new OpsAlertsResource(alerts));

        // Communities and memberships (issue 4).
        // Community pages are cached in Redis (R3; docs/architecture.md, "Caching"); Memberships invalidates
        // them too, since they show the active member count.
        Communities communities = new Communities(jdbi, config.getCache().build("communities", Communities.CACHE_SCHEMA,
                config.getCache().getCommunityTtl(), environment.getObjectMapper().constructType(Communities.PublicPart.class),
                redis, redisKeys, environment), config.getCommunitiesPerAccountPerDay());
        // Signed-out page reads are answered from memory before Jersey (PublicPageFilter; docs/architecture.md).
        PublicPages publicPages = new PublicPages(communities, environment.getObjectMapper(),
                millis(config.getCache().getPublicPageLocalTtl()), 10_000, environment.metrics());
        environment.servlets().addFilter("public-pages", new PublicPageFilter(publicPages,
                        config.getRateLimits().isEnabled() ? limiter : null, config.getTrustedProxies()))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/api/communities/*");
        environment.jersey().register(new CommunitiesResource(communities, publicPages, environment.getObjectMapper()));
        // Dues (Stripe Connect) and plans (Stripe Billing), issue 6; the plan's limits apply to joins, invitations, AI drafts.
        PaymentsRoutes payments = new PaymentsRoutes(config, environment, redis, redisKeys);
        payments.register(config, environment, jdbi,
                config.getRateLimits().isEnabled() ? new StripeCallBudget(limiter) : StripeQuota.NONE);
        // Card keys: without KOOMY_CARD_KEY_SECRET the card routes answer 503; a malformed one stops the start.
        CommunityKeys communityKeys = new CommunityKeys(jdbi, config.getCardKeySecret());
        // Tickets are signed with the same community keys as membership cards; a removal cancels seats (issue 17).
        TicketKeys ticketKeys = new TicketKeys(communityKeys);
        Registrations registrations = new Registrations(jdbi, ticketKeys, new TicketMail(), clock);
        Memberships memberships = new Memberships(jdbi, reads, communities, payments.limits(), registrations);
        environment.jersey().register(new MembershipsResource(memberships));
        // Directory reads are answered before Jersey, pages from memory for 1 s (DirectoryFilter; docs/architecture.md).
        DirectoryPages directoryPages = new DirectoryPages(memberships, communities, environment.getObjectMapper(),
                millis(config.getCache().getDirectoryLocalTtl()), 10_000, environment.metrics());
        environment.servlets().addFilter("directory", new DirectoryFilter(directoryPages, memberships, gate,
                        config.getRateLimits().isEnabled() ? limiter : null, config.getTrustedProxies()))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/api/communities/*");

        // News posts and their AI drafts (issue 4); drafts are generated by the worker, never here.
        environment.jersey().register(new NewsResource(new NewsPosts(jdbi, reads)));
        environment.jersey().register(new NewsDraftsResource(
                new NewsDrafts(jdbi, new ContentDrafts(config.getOpenai()), payments.limits())));
        environment.jersey().register(new InvitationsResource(new Invitations(jdbi, config.getPublicUrl(), clock, communities,
                payments.limits())));
        environment.jersey().register(new MemberExportResource(new MemberExport(jdbi)));
        environment.jersey().register(new MembershipCardResource(new MembershipCards(jdbi, communityKeys, clock)));

        // Events, tickets and check-in (issue 5; docs/architecture.md, "Events and check-in").
        ScannerAccess scanners = new ScannerAccess(jdbi);
        environment.jersey().register(new EventsResource(new Events(jdbi, reads, registrations, payments.limits())));
        environment.jersey().register(new EventDraftsResource(new EventDrafts(jdbi, new ContentDrafts(config.getOpenai()), payments.limits())));
        environment.jersey().register(new RegistrationsResource(registrations));
        environment.jersey().register(new EventStaffResource(new EventStaff(jdbi, scanners)));
        CheckIns checkIns = new CheckIns(jdbi, ticketKeys, scanners, clock);
        // Online scans that arrive together are recorded in one transaction (docs/architecture.md).
        environment.lifecycle().manage(checkIns.groupCommit(config.getCheckinWriters(), 100,
                java.time.Duration.ofSeconds(10), environment.metrics()));
        // Scans are answered before Jersey (DoorScanFilter; docs/architecture.md, "Events and check-in").
        environment.servlets().addFilter("door-scans", new DoorScanFilter(checkIns, gate,
                        config.getRateLimits().isEnabled() ? limiter : null, config.getTrustedProxies(),
                        environment.getObjectMapper(), environment.metrics()))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/api/events/*");
        environment.jersey().register(new CheckinsResource(checkIns,
                new CheckinBundle.Builder(jdbi, ticketKeys, scanners),
                new CheckinStatsReader(reads, scanners, config.getCache().build("checkin-stats",
                        CheckinStatsReader.CACHE_SCHEMA, io.dropwizard.util.Duration.seconds(1),
                        environment.getObjectMapper().constructType(CheckinStats.class), redis, redisKeys, environment)),
                config.getRateLimits().isEnabled() ? new DoorCodeBudget(limiter) : CheckIns.VerifyBudget.FREE,
                environment.metrics()));

        // Image uploads (issue 8): originals re-encoded here, smaller sizes by the worker; blobs served at /media.
        MediaFactory media = config.getMedia();
        BlobStore blobStore = media.getStorage().build(environment.lifecycle());
        ImagePipeline images = new ImagePipeline(media).registerMetrics(environment.metrics());
        environment.jersey().register(new MediaResource(new CommunityMedia(jdbi, images, new MediaBlobs(jdbi, blobStore),
                media), new MediaUrls(media.blobBaseUrl(config.getPublicUrl())), media.getMaxUploadSize().toBytes(),
                media.tempDirectory()));
        environment.jersey().register(new MediaBlobResource(blobStore));

        // Newsletters (issue 20): drafts, preview, test, send or schedule, cancel; one-click unsubscribe links.
        com.koomy.email.UnsubscribeTokens unsubscribeTokens = com.koomy.email.UnsubscribeTokens.orNull(config.getUnsubscribeSecret());
        environment.jersey().register(new NewslettersResource(new CommunityNewsletters(jdbi, payments.limits(),
                new EmailRenderer(Map.of("productName", "Koomy", "siteUrl", config.getPublicUrl())),
                unsubscribeTokens != null, clock)));
        environment.jersey().register(new UnsubscribeResource(new NewsletterSubscriptions(jdbi, unsubscribeTokens)));

        addRoutes(config, environment, jdbi);
    }

    /** For subclasses: tests add routes of their own (slow, failing, database-holding) here. */
    protected void addRoutes(ApiConfiguration config, Environment environment, Jdbi jdbi) {
    }

    private static Duration millis(io.dropwizard.util.Duration duration) {
        return Duration.ofMillis(duration.toMilliseconds());
    }
}
