package com.koomy.worker;

import com.koomy.testing.SendGridStub;
import com.koomy.testing.TestStack;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestLogging;
import com.koomy.testing.TestRedis;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;

import java.util.ArrayList;
import java.util.List;

/**
 * A worker in-process on a test database (its own tables and JobRunr's), admin port chosen by the OS, Redis
 * keys under a prefix of its own, logging at {@link TestLogging#level()} ({@code extra} must not set
 * {@code redis.keyPrefix} or {@code logging.level} again: overrides are a set, the one applied last would be arbitrary).
 */
public final class WorkerTestApp {

    private WorkerTestApp() {
    }

    /** The worker as it runs, its dashboard off (no test reads it; one port less). */
    public static DropwizardAppExtension<WorkerConfiguration> on(TestDatabase db) {
        return on(KoomyWorkerApplication.class, db, ConfigOverride.config("jobs.dashboardEnabled", "false"));
    }

    /** The worker, its dashboard off, with Stripe's stub as its Stripe. */
    public static TestStack<WorkerConfiguration> withStripe(ConfigOverride... extra) {
        return TestStack.withStripe((db, stripe) -> {
            List<ConfigOverride> overrides = new ArrayList<>(List.of(
                    ConfigOverride.config("jobs.dashboardEnabled", "false"),
                    ConfigOverride.config("stripe.apiBase", stripe::baseUrl)));
            overrides.addAll(List.of(extra));
            return on(KoomyWorkerApplication.class, db, overrides.toArray(new ConfigOverride[0]));
        });
    }

    /** The worker, its dashboard off, sending through {@code sendgrid} at {@code perSecond} for all workers. */
    public static DropwizardAppExtension<WorkerConfiguration> withSendGrid(TestDatabase db, SendGridStub sendgrid,
                                                                          int perSecond, ConfigOverride... extra) {
        List<ConfigOverride> overrides = new ArrayList<>(List.of(
                ConfigOverride.config("sendgrid.apiKey", "SG.test-key-not-a-secret"),
                ConfigOverride.config("sendgrid.baseUrl", sendgrid::baseUrl),
                ConfigOverride.config("sendgrid.rateLimitPerSecond", String.valueOf(perSecond)),
                ConfigOverride.config("jobs.dashboardEnabled", "false")));
        overrides.addAll(List.of(extra));
        return on(KoomyWorkerApplication.class, db, overrides.toArray(new ConfigOverride[0]));
    }

    public static DropwizardAppExtension<WorkerConfiguration> on(Class<? extends KoomyWorkerApplication> app,
                                                                TestDatabase db, ConfigOverride... extra) {
        String redisPrefix = TestRedis.newPrefix();
        List<ConfigOverride> overrides = new ArrayList<>(List.of(
                ConfigOverride.config("server.adminConnectors[0].port", "0"),
                ConfigOverride.config("database.url", db::url),
                ConfigOverride.config("database.user", TestDatabase.user()),
                ConfigOverride.config("database.password", TestDatabase.password()),
                ConfigOverride.config("jobs.database.url", db::url),
                ConfigOverride.config("jobs.database.user", TestDatabase.user()),
                ConfigOverride.config("jobs.database.password", TestDatabase.password()),
                ConfigOverride.config(TestLogging.ROOT, TestLogging.level()),
                ConfigOverride.config(TestLogging.REQUESTS, TestLogging.level()),
                ConfigOverride.config("redis.keyPrefix", redisPrefix)));
        overrides.addAll(List.of(extra));
        return new DropwizardAppExtension<>(app, "../config/worker.yml", overrides.toArray(new ConfigOverride[0])) {
            @Override
            public void after() {
                super.after();
                TestRedis.deleteAll(redisPrefix);
            }
        };
    }
}
