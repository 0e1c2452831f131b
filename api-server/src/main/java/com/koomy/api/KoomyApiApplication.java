package com.koomy.api;

import com.koomy.events.AccountSeats;
import com.koomy.memberships.AccountMemberships;
import com.koomy.api.accounts.AccountsRoutes;
import com.koomy.api.auth.AccessGate;
import com.koomy.api.communities.CommunitiesRoutes;
import com.koomy.api.docs.BuildInfo;
import com.koomy.api.docs.OpenApiDocumentResource;
import com.koomy.api.events.EventsRoutes;
import com.koomy.api.fastpath.FastPathFilter;
import com.koomy.api.fastpath.FastRoute;
import com.koomy.api.fastpath.RequestGate;
import com.koomy.api.health.HealthRoutes;
import com.koomy.api.http.ErrorMappers;
import com.koomy.api.http.HttpBasics;
import com.koomy.api.media.MediaRoutes;
import com.koomy.api.memberships.MembershipsRoutes;
import com.koomy.api.news.NewsRoutes;
import com.koomy.api.newsletters.NewslettersRoutes;
import com.koomy.api.ops.OpsRoutes;
import com.koomy.api.payments.PaymentsRoutes;
import com.koomy.api.ratelimit.RateLimitFilter;
import com.koomy.api.ratelimit.RateLimiter;
import com.koomy.api.webhooks.WebhooksRoutes;
import com.koomy.communities.CommunityKeys;
import com.koomy.db.DbCommand;
import com.koomy.db.KoomyDatabase;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.util.List;

/**
 * The HTTP API. It writes to PostgreSQL and leaves everything slow or external to the workers,
 * through the outbox; it never calls Stripe's side effects, SendGrid or OpenAI inline. Each feature
 * wires itself in its package ({@code XRoutes}); {@link #run} only says which, in which order
 * (docs/architecture.md, "Wiring").
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
        // ops/koomy's outbox, send-event, stripe-replay and operator verbs run these.
        bootstrap.addCommand(new com.koomy.api.ops.cli.OutboxCommand());
        bootstrap.addCommand(new com.koomy.api.ops.cli.SendEventCommand());
        bootstrap.addCommand(new com.koomy.api.ops.cli.StripeReplayCommand());
        bootstrap.addCommand(new com.koomy.api.ops.cli.OperatorCommand());
    }

    @Override
    public void run(ApiConfiguration config, Environment environment) throws IOException {
        if (config.isMigrateOnStart()) {
            KoomyDatabase.migrate(config);
        }
        ApiContext app = ApiContext.build(config, environment);
        HttpBasics.register(config, environment);
        ErrorMappers.register(environment.jersey()::register);
        environment.jersey().register(new OpenApiDocumentResource(BuildInfo.version(), config.getPublicUrl()));

        AccountsRoutes accounts = new AccountsRoutes(app);
        RateLimiter limiter = config.getRateLimits().build(app.redis(), app.redisKeys(), environment.metrics());
        if (config.getRateLimits().isEnabled()) {
            environment.jersey().register(new RateLimitFilter(limiter, config.getTrustedProxies()));
        }
        accounts.register(app, limiter);
        HealthRoutes.register(app, accounts.gate());
        WebhooksRoutes webhooks = new WebhooksRoutes(app);
        webhooks.register(app);
        OpsRoutes.register(app);

        CommunitiesRoutes communities = new CommunitiesRoutes(app);
        communities.register(app);
        // Dues (Stripe Connect) and plans (Stripe Billing), issue 6; the plan's limits apply to joins, invitations,
        // AI drafts, events and newsletters.
        PaymentsRoutes payments = new PaymentsRoutes(app);
        payments.register(app, limiter);
        // Card and ticket keys: without KOOMY_CARD_KEY_SECRET the card routes answer 503; a malformed one stops the start.
        CommunityKeys communityKeys = new CommunityKeys(app.jdbi(), config.getCardKeySecret());
        EventsRoutes events = new EventsRoutes(app, communityKeys, payments.limits());
        MembershipsRoutes memberships = new MembershipsRoutes(app, communities.communities(), communityKeys,
                payments.limits(), events.registrations());
        memberships.register(app);
        // Deleting an account ends its memberships and releases its seats (issue 21): wired once both exist.
        accounts.registerDeletion(app, limiter, new AccountMemberships(communities.communities(), events.registrations(),
                new AccountSeats(events.registrations(), app.clock())::releaseAll));
        NewsRoutes.register(app, payments.limits());
        events.register(app, limiter);
        MediaRoutes.register(app);
        NewslettersRoutes.register(app, payments.limits());

        fastPaths(app, accounts.gate(), limiter, List.of(webhooks.fastRoute(app), communities.fastRoute(app),
                memberships.fastRoute(app), events.fastRoute(app)));
        addRoutes(config, environment, app.jdbi());
    }

    /**
     * The routes answered before Jersey (docs/architecture.md, "Fast paths"), through one filter and the same
     * gate as Jersey's; after the request log and statistics filters, so those see these requests too.
     */
    private static void fastPaths(ApiContext app, AccessGate gate, RateLimiter limiter, List<FastRoute> routes) {
        if (app.config().getFastPaths().isEnabled()) {
            HttpBasics.apiFilter(app.environment(), "fast-paths", new FastPathFilter(routes,
                    new RequestGate(gate, limiter, app.config().getTrustedProxies()), app.json()));
        }
    }

    /** For subclasses: tests add routes of their own (slow, failing, database-holding) here. */
    protected void addRoutes(ApiConfiguration config, Environment environment, Jdbi jdbi) {
    }
}
