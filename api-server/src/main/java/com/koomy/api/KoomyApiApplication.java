package com.koomy.api;

import com.koomy.api.docs.OpenApiDocumentResource;
import com.koomy.accounts.Accounts;
import com.koomy.accounts.PasswordHasher;
import com.koomy.accounts.SessionStore;
import com.koomy.api.accounts.AccountExceptionMapper;
import com.koomy.api.accounts.AuthResource;
import com.koomy.api.accounts.SessionAuthFilter;
import com.koomy.api.health.HealthResource;
import com.koomy.api.ratelimit.RateLimitExceptionMapper;
import com.koomy.api.ratelimit.RateLimitFilter;
import com.koomy.api.ratelimit.RateLimiter;
import com.koomy.api.ops.OperatorAuthFilter;
import com.koomy.api.ops.OpsOutboxResource;
import com.koomy.api.http.ApiExceptionMapper;
import com.koomy.api.http.FallbackExceptionMapper;
import com.koomy.api.http.JsonProcessingExceptionMapper;
import com.koomy.api.http.RequestLogFilter;
import com.koomy.api.http.ValidationExceptionMapper;
import com.koomy.api.http.WebApplicationExceptionMapper;
import com.koomy.api.webhooks.SendGridEventParser;
import com.koomy.api.webhooks.SendGridSignatureVerifier;
import com.koomy.api.webhooks.SendGridWebhookResource;
import com.koomy.api.webhooks.StripeEventParser;
import com.koomy.api.webhooks.StripeSignatureVerifier;
import com.koomy.api.webhooks.StripeWebhookResource;
import com.koomy.config.InstanceName;
import com.koomy.db.DbCommand;
import com.koomy.db.KoomyDatabase;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.DispatcherType;
import org.jdbi.v3.core.Jdbi;
import redis.clients.jedis.RedisClient;

import java.time.Duration;
import java.util.EnumSet;

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
        config.getHealth().register(environment, jdbi, redis);
        config.getGraphite().build(environment, "api", InstanceName.of("api"));

        environment.servlets()
                .addFilter("request-log", new RequestLogFilter(
                        Duration.ofMillis(config.getWarnRequestsOver().toMilliseconds()),
                        Duration.ofMillis(config.getSlowRequestsOver().toMilliseconds())))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/api/*");

        environment.jersey().register(new ApiExceptionMapper());
        environment.jersey().register(new WebApplicationExceptionMapper());
        environment.jersey().register(new JsonProcessingExceptionMapper());
        environment.jersey().register(new ValidationExceptionMapper());
        environment.jersey().register(new FallbackExceptionMapper());

        environment.jersey().register(new OpenApiDocumentResource(
                String.valueOf(KoomyApiApplication.class.getPackage().getImplementationVersion())));
        environment.jersey().register(new HealthResource(environment.healthChecks()));
        SessionStore sessions = new SessionStore(redis,
                java.time.Duration.ofMillis(config.getSessionIdleTimeout().toMilliseconds()),
                java.time.Duration.ofMillis(config.getSessionAbsoluteTimeout().toMilliseconds()));
        Accounts accounts = new Accounts(jdbi, new PasswordHasher(), sessions, config.getPublicUrl());
        environment.jersey().register(new SessionAuthFilter(sessions));
        environment.jersey().register(new AccountExceptionMapper());
        RateLimiter limiter = new RateLimiter(redis, config.getRateLimits().getPolicies(),
                config.getRateLimits().getKeyPrefix(), environment.metrics());
        if (config.getRateLimits().isEnabled()) {
            environment.jersey().register(new RateLimitFilter(limiter, config.getRateLimits().isTrustForwardedFor()));
        }
        environment.jersey().register(new RateLimitExceptionMapper());
        environment.jersey().register(new AuthResource(accounts, sessions,
                config.getRateLimits().isEnabled() ? limiter : null));
        environment.jersey().register(new OperatorAuthFilter(config.getOpsToken(), jdbi));
        environment.jersey().register(new OpsOutboxResource(jdbi));
        environment.jersey().register(new StripeWebhookResource(jdbi,
                new StripeSignatureVerifier(config.getStripe().webhookSecretList(),
                        config.getStripe().getWebhookTolerance().toSeconds()),
                new StripeEventParser(environment.getObjectMapper()),
                (int) config.getStripe().getMaxWebhookBody().toBytes()));
        environment.jersey().register(new SendGridWebhookResource(jdbi,
                new SendGridSignatureVerifier(config.getSendgrid().getWebhookPublicKey()),
                new SendGridEventParser(environment.getObjectMapper()),
                SendGridWebhookResource.MAX_BODY_BYTES));
    }
}
