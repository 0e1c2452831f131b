package com.koomy.api;

import com.koomy.accounts.SessionStore;
import com.koomy.config.RedisKeys;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestLogging;
import com.koomy.testing.TestRedis;
import com.koomy.testing.TestStack;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The API as it runs in production (config/api.yml), on random ports and a test database, with Redis keys
 * under a prefix of its own ({@link TestRedis#newPrefix}): apps, test runs and a developer's stack on the
 * same Redis never share sessions, caches, limits or statistics.
 */
public final class ApiTestApp {

    public static final String SECRET = "whsec_test_primary";
    public static final String ROTATED_SECRET = "whsec_test_next";
    /** HTTP Basic credentials of the admin port's metrics, threads and tasks ({@code admin.*}). */
    public static final String ADMIN_CREDENTIALS = "operator:admin-test-password";

    private ApiTestApp() {
    }

    /** The API with rate limits off (and communitiesPerAccountPerDay): tests from one address would otherwise share them. */
    public static DropwizardAppExtension<ApiConfiguration> on(TestDatabase db, ConfigOverride... extra) {
        return app(KoomyApiApplication.class, db, false, TestRedis.newPrefix(), extra);
    }

    /** {@link #on} as one extension with its database. */
    public static TestStack<ApiConfiguration> stack(ConfigOverride... extra) {
        return TestStack.of(db -> on(db, extra));
    }

    /**
     * One of several API instances of the same stack: they share {@code redisPrefix} (sessions, caches and
     * their invalidations, limits), as instances behind one load balancer do. Rate limits off.
     */
    public static DropwizardAppExtension<ApiConfiguration> instanceOf(String redisPrefix, TestDatabase db,
                                                                      ConfigOverride... extra) {
        return app(KoomyApiApplication.class, db, false, redisPrefix, extra);
    }

    /** The API with rate limits on (in its own Redis key space, as every test app). */
    public static DropwizardAppExtension<ApiConfiguration> withRateLimits(TestDatabase db, ConfigOverride... extra) {
        return app(KoomyApiApplication.class, db, true, TestRedis.newPrefix(), extra);
    }

    /** A test subclass of the application with rate limits on, in a Redis key space of its own. */
    public static DropwizardAppExtension<ApiConfiguration> withRateLimits(Class<? extends KoomyApiApplication> app,
                                                                          TestDatabase db, ConfigOverride... extra) {
        return app(app, db, true, TestRedis.newPrefix(), extra);
    }

    /** The same with a test subclass of the application (one that adds test-only routes); rate limits off. */
    public static DropwizardAppExtension<ApiConfiguration> on(Class<? extends KoomyApiApplication> app, TestDatabase db,
                                                              ConfigOverride... extra) {
        return app(app, db, false, TestRedis.newPrefix(), extra);
    }

    private static DropwizardAppExtension<ApiConfiguration> app(Class<? extends KoomyApiApplication> app, TestDatabase db,
                                                               boolean rateLimits, String redisPrefix,
                                                               ConfigOverride... extra) {
        // Overrides are a set (no order): one for a key, so redis.keyPrefix is never given twice.
        List<ConfigOverride> overrides = new ArrayList<>(List.of(
                ConfigOverride.config("server.applicationConnectors[0].port", "0"),
                ConfigOverride.config("server.adminConnectors[0].port", "0"),
                ConfigOverride.config("database.url", db::url),
                ConfigOverride.config("database.user", TestDatabase.user()),
                ConfigOverride.config("database.password", TestDatabase.password()),
                ConfigOverride.config("stripe.webhookSecrets", SECRET + "," + ROTATED_SECRET),
                ConfigOverride.config(TestLogging.ROOT, TestLogging.level()),
                ConfigOverride.config(TestLogging.REQUESTS, TestLogging.level()),
                ConfigOverride.config("admin.user", ADMIN_CREDENTIALS.split(":")[0]),
                ConfigOverride.config("admin.password", ADMIN_CREDENTIALS.split(":")[1]),
                ConfigOverride.config("rateLimits.enabled", Boolean.toString(rateLimits)),
                ConfigOverride.config("redis.keyPrefix", redisPrefix)));
        if (!rateLimits) {
            // A test account creates as many communities as its scenario needs; the daily limit is a rate limit.
            overrides.add(ConfigOverride.config("communitiesPerAccountPerDay", "100000"));
        }
        overrides.addAll(List.of(extra));
        return new DropwizardAppExtension<>(app, "../config/api.yml", overrides.toArray(new ConfigOverride[0])) {
            @Override
            public void after() {
                super.after();
                TestRedis.deleteAll(redisPrefix); // instances of one stack stop together, at the end of the class
            }
        };
    }

    /** The names of the app's Redis keys (under its own prefix); the app must have started. */
    public static RedisKeys keys(DropwizardAppExtension<? extends ApiConfiguration> app) {
        return app.getConfiguration().getRedis().keys();
    }

    /** Sessions written where the app reads them (its Redis, its prefix), for accounts made straight in the database. */
    public static SessionStore sessions(DropwizardAppExtension<? extends ApiConfiguration> app) {
        return new SessionStore(TestRedis.client(), keys(app), Duration.ofHours(1), Duration.ofHours(2));
    }
}
