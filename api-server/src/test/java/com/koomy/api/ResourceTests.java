package com.koomy.api;

import com.koomy.accounts.Account;
import com.koomy.accounts.Accounts;
import com.koomy.api.accounts.AccountsRoutes;
import com.koomy.api.auth.AccessFeature;
import com.koomy.api.http.ErrorMappers;
import com.koomy.api.http.HttpBasics;
import com.koomy.api.ratelimit.RateLimiter;
import com.koomy.db.KoomyDatabase;
import com.koomy.db.ReadDatabase;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestRedis;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.setup.JerseyEnvironment;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.testing.junit5.ResourceExtension;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One resource over in-memory HTTP (dropwizard-testing's {@link ResourceExtension}), for an {@code XResourceTest}:
 * wired as the app wires it. config/api.yml read as the app reads it; the app's JSON rules and strict request bodies
 * ({@link HttpBasics#json}), its exception mappers and error shape ({@link ErrorMappers}), Bean Validation, and the
 * access gate ({@link AccessFeature}) with real sessions in Redis under a key prefix of the class's own. The resource
 * gets real DAOs and services ({@link #app()}) on a migrated database of its own ({@link TestDatabase}). Servlet
 * filters (body size limit, unambiguous paths, request log), rate limits and fast paths are not here: the
 * {@code XIntegrationTest} classes run the whole app.
 *
 * <pre>{@code @RegisterExtension
 * static ResourceTests api = ResourceTests.of(t -> new XResource(new Xs(t.app().jdbi())));}</pre>
 */
public final class ResourceTests implements BeforeAllCallback, AfterAllCallback {

    /** The operator token ({@code KOOMY_OPS_TOKEN}) these tests run with. */
    public static final String OPERATOR_TOKEN = "ops-token-for-resource-tests-0123456789";
    public static final String PASSWORD = "correct horse battery";

    private final Function<ResourceTests, Object> resource;
    private final List<Consumer<ApiConfiguration>> settings = new ArrayList<>();
    private boolean declaredCodes;
    private final TestDatabase db = new TestDatabase();
    private final String redisPrefix = TestRedis.newPrefix();
    /** What the code under test registers with Jersey: kept, for {@link #registered}; the extension serves one. */
    private final InMemoryJersey.Registrations jersey = new InMemoryJersey.Registrations();
    private ApiContext app;
    private AccountsRoutes accounts;
    private ManagedDataSource pool;
    private ResourceExtension extension;

    private ResourceTests(Function<ResourceTests, Object> resource) {
        this.resource = resource;
    }

    /** {@code resource}: the resource under test, built from {@link #app()} (and {@link #accounts()}) once they exist. */
    public static ResourceTests of(Function<ResourceTests, Object> resource) {
        return new ResourceTests(resource);
    }

    /**
     * The resource of type {@code type} that {@code routes} (the feature's {@code XRoutes}, given {@link #app()})
     * registers, built as the app builds it; the rest it registers is left aside.
     */
    public static ResourceTests registered(Class<?> type, Consumer<ResourceTests> routes) {
        return of(t -> {
            routes.accept(t);
            return t.jersey.registered().stream().filter(type::isInstance).findFirst()
                    .orElseThrow(() -> new IllegalStateException("the routes registered no " + type.getSimpleName()));
        });
    }

    /** A change to the configuration read from config/api.yml, made before anything is built. */
    public ResourceTests with(Consumer<ApiConfiguration> setting) {
        settings.add(setting);
        return this;
    }

    /**
     * Every answer's status, and an error's code, checked against what the OpenAPI document declares for the
     * operation ({@link ContractCheck#checkDeclared}): a test fails on an answer a client could not expect.
     */
    public ResourceTests checkingDeclaredCodes() {
        declaredCodes = true;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        db.beforeAll(context);
        ApiConfiguration config = configuration();
        Environment environment = new Environment("koomy-api") {
            @Override
            public JerseyEnvironment jersey() {
                return jersey;
            }
        };
        ResourceExtension.Builder builder = ResourceExtension.builder()
                .setMapper(environment.getObjectMapper())
                .setValidator(environment.getValidator())
                .setMetricRegistry(environment.metrics())
                .setRegisterDefaultExceptionMappers(false) // as config/api.yml: ours answer every error
                .bootstrapLogging(false); // TestLogging's levels stay
        HttpBasics.json(environment.getObjectMapper(), environment.getValidator(), builder::addProvider);
        ErrorMappers.register(builder::addProvider);
        builder.addProvider(InMemoryJersey.NO_SERVLET_REQUEST);
        pool = KoomyDatabase.pool(environment, config.getDatabase(), "postgresql");
        Jdbi jdbi = KoomyDatabase.jdbi(environment, config.getDatabase(), pool, "postgresql");
        config.getHealth().registerConnectivity(environment, jdbi, TestRedis.client()); // as ApiContext.build
        app = new ApiContext(config, environment, jdbi, ReadDatabase.primaryOnly(jdbi), TestRedis.client(),
                config.getRedis().keys(), Clock.systemUTC());
        accounts = new AccountsRoutes(app);
        AccessFeature.register(accounts.gate(), builder::addProvider);
        builder.addResource(resource.apply(this));
        extension = builder.build();
        InMemoryJersey.run(extension::before);
    }

    private ApiConfiguration configuration() throws Exception {
        ApiConfiguration config = new YamlConfigurationFactory<>(ApiConfiguration.class, Validators.newValidator(),
                Jackson.newObjectMapper(), "dw")
                .build(new SubstitutingSourceProvider(new FileConfigurationSourceProvider(),
                        new EnvironmentVariableSubstitutor(false)), "../config/api.yml");
        config.getDatabase().setUrl(db.url());
        config.getDatabase().setUser(TestDatabase.user());
        config.getDatabase().setPassword(TestDatabase.password());
        config.getRedis().setKeyPrefix(redisPrefix);
        config.setOpsToken(OPERATOR_TOKEN);
        config.getRateLimits().setEnabled(false); // as ApiTestApp: the tests of a class share one address
        settings.forEach(setting -> setting.accept(config));
        return config;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (extension != null) {
                InMemoryJersey.run(extension::after);
            }
            if (pool != null) {
                pool.stop();
            }
            TestRedis.deleteAll(redisPrefix);
        } finally {
            db.afterAll(context);
        }
    }

    /** The configuration, database, Redis and clock, as the resource's {@code XRoutes} receives them. */
    public ApiContext app() {
        return app;
    }

    /** The accounts' wiring: its sessions, accounts and gate are the ones the access check uses. */
    public AccountsRoutes accounts() {
        return accounts;
    }

    public Jdbi jdbi() {
        return app.jdbi();
    }

    /** The rate limiter as the app builds it (off unless a test turns {@code rateLimits.enabled} on). */
    public RateLimiter limiter() {
        return app.config().getRateLimits().build(app.redis(), app.redisKeys(), app.metrics());
    }

    /** Rows of {@code table} (to show that a refused call changed nothing). */
    public long count(String table) {
        return jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one());
    }

    /**
     * Asserts that {@code reply} is the 400 {@code code} that names each of {@code fields} in {@code details.fields}
     * (and no other); returns the reply.
     */
    public static ApiReply assertFields(ApiReply reply, String code, String... fields) {
        return assertFields(reply, 400, code, fields);
    }

    /** The same with another status (422: valid alone, refused here). */
    public static ApiReply assertFields(ApiReply reply, int status, String code, String... fields) {
        reply.assertError(status, code);
        List<String> named = new ArrayList<>();
        reply.body().path("error").path("details").path("fields").forEach(f -> named.add(f.path("field").asText()));
        assertThat(named).as("details.fields of %s", reply.body()).containsExactlyInAnyOrder(fields);
        return reply;
    }

    /** A client without credentials. */
    public ResourceCaller anonymous() {
        return new ResourceCaller(extension, null, declaredCodes);
    }

    /** A client with the operator token. */
    public ResourceCaller operator() {
        return new ResourceCaller(extension, OPERATOR_TOKEN, declaredCodes);
    }

    /** A client signed in as {@code user}. */
    public ResourceCaller as(ApiCalls.User user) {
        return new ResourceCaller(extension, user.token(), declaredCodes);
    }

    /** A client sending {@code Authorization: Bearer token}. */
    public ResourceCaller bearer(String token) {
        return new ResourceCaller(extension, token, declaredCodes);
    }

    /**
     * A new account named {@code name} (a unique email, password {@link #PASSWORD}), registered through
     * {@link Accounts#register} as sign-up does, with a session in Redis.
     */
    public ApiCalls.User account(String name) {
        String email = name.toLowerCase().replaceAll("[^a-z]+", ".") + "-" + UUID.randomUUID().toString().substring(0, 8)
                + "@example.org";
        Account account = accounts.accounts().register(new Accounts.Registration(email, PASSWORD, name, "en"));
        return new ApiCalls.User(account.id(), email, accounts.sessions().create(account.id()).token());
    }

    /** A new account flagged platform operator ({@code ops/koomy operator grant}), signed in. */
    public ApiCalls.User operatorAccount(String name) {
        ApiCalls.User user = account(name);
        jdbi().useHandle(h -> Accounts.setOperator(h, user.email(), true));
        return user;
    }
}
