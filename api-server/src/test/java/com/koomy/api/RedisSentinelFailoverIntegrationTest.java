package com.koomy.api;

import com.koomy.testing.ApiReply;
import com.koomy.testing.RedisServers;
import com.koomy.testing.StripeTestEvents;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API on Redis with Sentinel ({@code redis.mode: sentinel}, real servers: a primary, two replicas, three
 * Sentinels), the primary killed (SIGKILL) under sign-in and webhook load. A sign-in either answers 503 or hands
 * out a session that outlives the failover ({@code redis.sessionReplicas: 1}); no request answers 500; every
 * webhook acknowledged is stored; sign-ins work again without anyone stepping in.
 */
@EnabledIf("com.koomy.testing.RedisServers#available")
class RedisSentinelFailoverIntegrationTest {

    private static final RedisServers REDIS = RedisServers.sentinelGroup(2);

    /** Declared first, so it runs last: Redis stops after the app. */
    @RegisterExtension
    @Order(0)
    static AfterAllCallback stopRedis = context -> REDIS.close();

    @RegisterExtension
    @Order(1)
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("redis.mode", "sentinel"),
            ConfigOverride.config("redis.nodes", REDIS.nodesSetting()),
            ConfigOverride.config("redis.masterName", RedisServers.MASTER_NAME),
            ConfigOverride.config("redis.sessionReplicas", "1"),
            ConfigOverride.config("redis.replicaAckTimeout", "500ms"),
            ConfigOverride.config("redis.socketTimeout", "1s"),
            ConfigOverride.config("redis.connectTimeout", "500ms"));

    /** Only our JSON error is checked here: the document does not list 503 on every operation (docs/api.md). */
    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort()).withoutContract();

    record Outcome(String what, int status, String detail) {
    }

    @Test
    void aFailoverUnderSignInAndWebhookLoadLosesNothingAccepted() throws Exception {
        ApiCalls.User before = api.user("Before Failover");
        ApiCalls.User member = api.user("Signs In Often");
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> tokens = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService load = Executors.newFixedThreadPool(4);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            workers.add(load.submit(() -> {
                while (running.get()) {
                    ApiReply login = api.call("POST", "/api/auth/login", null,
                            Map.of("email", member.email(), "password", "correct horse battery"));
                    outcomes.add(new Outcome("login", login.status(), login.code()));
                    if (login.status() == 200) {
                        tokens.add(login.body().get("token").asText());
                        ApiReply me = api.get("/api/me", login.body().get("token").asText());
                        outcomes.add(new Outcome("me", me.status(), me.code()));
                    }
                }
            }));
            int thread = t;
            workers.add(load.submit(() -> {
                for (int i = 0; running.get(); i++) {
                    String id = "evt_failover_" + thread + "_" + i + "_" + System.nanoTime();
                    String payload = StripeTestEvents.paymentIntentSucceeded(id);
                    ApiReply reply = api.send("POST", "/api/webhooks/stripe", null, "application/json",
                            payload.getBytes(StandardCharsets.UTF_8), "Stripe-Signature",
                            StripeTestEvents.sign(payload, ApiTestApp.SECRET));
                    outcomes.add(new Outcome("webhook", reply.status(), reply.code()));
                    if (reply.status() / 100 == 2) {
                        acknowledged.add(id);
                    }
                }
            }));
        }
        Thread.sleep(2000);
        int oldPrimary = REDIS.currentPrimaryPort();
        REDIS.node(oldPrimary).kill();
        Instant killedAt = Instant.now();
        REDIS.await(Duration.ofSeconds(60), () -> REDIS.currentPrimaryPort() != oldPrimary, "a Sentinel failover");
        Duration failover = Duration.between(killedAt, Instant.now());
        int seenBeforeRecovery = outcomes.size();
        // Load goes on until sign-ins have worked again for a while on the new primary.
        REDIS.await(Duration.ofSeconds(60), () -> outcomes.stream().skip(seenBeforeRecovery)
                .filter(o -> o.what().equals("me") && o.status() == 200).count() >= 20, "sign-ins on the new primary");
        running.set(false);
        for (Future<?> worker : workers) {
            worker.get();
        }
        load.shutdown();

        Map<String, Map<Integer, Long>> byStatus = outcomes.stream().collect(Collectors.groupingBy(Outcome::what,
                Collectors.groupingBy(Outcome::status, Collectors.counting())));
        System.out.printf("Sentinel failover in %d ms; answers by kind and status: %s; 503 codes: %s%n", failover.toMillis(),
                byStatus, outcomes.stream().filter(o -> o.status() == 503).map(Outcome::detail).collect(Collectors.toSet()));

        assertThat(outcomes).filteredOn(o -> o.what().equals("login")).extracting(Outcome::status).isSubsetOf(200, 503);
        assertThat(outcomes).filteredOn(o -> o.what().equals("me")).extracting(Outcome::status)
                .as("a session handed out is never forgotten by the failover (401 would be)").isSubsetOf(200, 503);
        assertThat(outcomes).filteredOn(o -> o.what().equals("webhook")).extracting(Outcome::status).isSubsetOf(200, 503);
        assertThat(api.get("/api/me", before.token()).status()).as("a session from before the failover").isEqualTo(200);
        for (String token : tokens) {
            assertThat(api.get("/api/me", token).status()).as("every session handed out during the load").isEqualTo(200);
        }
        Set<String> stored = db.jdbi().withHandle(h -> h.createQuery("SELECT event_id FROM stripe_events")
                .mapTo(String.class).set());
        assertThat(stored).containsAll(acknowledged);
    }
}
