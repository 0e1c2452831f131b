package com.koomy.api;

import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;

import java.util.ArrayList;
import java.util.List;

/** The API as it runs in production (config/api.yml), on random ports and a test database. */
public final class ApiTestApp {

    public static final String SECRET = "whsec_test_primary";
    public static final String ROTATED_SECRET = "whsec_test_next";
    /** HTTP Basic credentials of the admin port's metrics, threads and tasks ({@code admin.*}). */
    public static final String ADMIN_CREDENTIALS = "operator:admin-test-password";

    private ApiTestApp() {
    }

    /** The API with rate limits off (and communitiesPerAccountPerDay): tests from one address would otherwise share them. */
    public static DropwizardAppExtension<ApiConfiguration> on(TestDatabase db, ConfigOverride... extra) {
        return app(KoomyApiApplication.class, db, false, extra);
    }

    /** The API with rate limits on, in a Redis key space of its own. */
    public static DropwizardAppExtension<ApiConfiguration> withRateLimits(TestDatabase db, ConfigOverride... extra) {
        return app(KoomyApiApplication.class, db, true, extra);
    }

    /** The same with a test subclass of the application (one that adds test-only routes); rate limits off. */
    public static DropwizardAppExtension<ApiConfiguration> on(Class<? extends KoomyApiApplication> app, TestDatabase db,
                                                              ConfigOverride... extra) {
        return app(app, db, false, extra);
    }

    private static DropwizardAppExtension<ApiConfiguration> app(Class<? extends KoomyApiApplication> app, TestDatabase db,
                                                               boolean rateLimits, ConfigOverride... extra) {
        List<ConfigOverride> overrides = new ArrayList<>(List.of(
                ConfigOverride.config("server.applicationConnectors[0].port", "0"),
                ConfigOverride.config("server.adminConnectors[0].port", "0"),
                ConfigOverride.config("database.url", db::url),
                ConfigOverride.config("database.user", TestDatabase.user()),
                ConfigOverride.config("database.password", TestDatabase.password()),
                ConfigOverride.config("stripe.webhookSecrets", SECRET + "," + ROTATED_SECRET),
                ConfigOverride.config("logging.level", "WARN"),
                ConfigOverride.config("admin.user", ADMIN_CREDENTIALS.split(":")[0]),
                ConfigOverride.config("admin.password", ADMIN_CREDENTIALS.split(":")[1]),
                ConfigOverride.config("rateLimits.enabled", Boolean.toString(rateLimits)),
                ConfigOverride.config("rateLimits.keyPrefix", "koomy:test-rl:" + java.util.UUID.randomUUID() + ":")));
        if (!rateLimits) {
            // A test account creates as many communities as its scenario needs; the daily limit is a rate limit.
            overrides.add(ConfigOverride.config("communitiesPerAccountPerDay", "100000"));
        }
        overrides.addAll(List.of(extra));
        return new DropwizardAppExtension<>(app, "../config/api.yml",
                overrides.toArray(new ConfigOverride[0]));
    }
}
