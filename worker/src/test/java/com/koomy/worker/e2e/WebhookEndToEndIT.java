package com.koomy.worker.e2e;

import com.koomy.testing.FreePorts;
import com.koomy.testing.StripeTestEvents;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestRedis;
import com.koomy.stripe.events.IncomingStripeEvent;
import com.koomy.stripe.events.StripeEventWrites;
import com.koomy.worker.CountingWorkerApplication;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The webhook path as it runs in production: the API and the worker as separate processes from the
 * packaged jars, real PostgreSQL and Redis. The worker carries a test handler that records each
 * application of an event in the same transaction as its processing, so a duplicate would show.
 */
class WebhookEndToEndIT {

    private static final String SECRET = "whsec_e2e_test";

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static Map<String, String> env(String url, String user, String password) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", url);
        env.put("DATABASE_USER", user);
        env.put("DATABASE_PASSWORD", password);
        env.put("STRIPE_WEBHOOK_SECRET", SECRET);
        env.put("KOOMY_REDIS_PREFIX", TestRedis.newPrefix());
        env.put("KOOMY_DASHBOARD_ENABLED", "false");
        // Small API pool: two workers (44 connections each) and an API must fit in PostgreSQL's
        // default 100 connections next to whatever else runs on the machine.
        env.put("KOOMY_API_DB_MAX", "8");
        env.put("KOOMY_API_PORT", String.valueOf(FreePorts.next()));
        env.put("KOOMY_API_ADMIN_PORT", String.valueOf(FreePorts.next()));
        env.put("KOOMY_WORKER_ADMIN_PORT", String.valueOf(FreePorts.next()));
        return PgBouncer.route(env); // unchanged unless a subclass puts PgBouncer in front
    }

    private static Map<String, String> with(Map<String, String> env, String key, String value) {
        Map<String, String> copy = new HashMap<>(env);
        copy.put(key, value);
        return copy;
    }

    private static int port(Map<String, String> env, String key) {
        return Integer.parseInt(env.get(key));
    }

    /** Sends every payload from 32 concurrent clients; returns the status codes. */
    private List<Integer> send(int apiPort, List<String> payloads) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(32);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (String payload : payloads) {
                answers.add(clients.submit(() -> CountedWebhooks.post(http, "http://127.0.0.1:" + apiPort, payload, SECRET)));
            }
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                codes.add(answer.get());
            }
            return codes;
        } finally {
            clients.shutdownNow();
        }
    }

    private static List<String> countedEvents(int n, List<String> ids) {
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            payloads.add(CountedWebhooks.newEvent(ids));
        }
        return payloads;
    }

    private static long count(Jdbi jdbi, String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }



    @Test
    void aConcurrentBurstWithRedeliveriesIsAppliedOnceThenSurvivesAWorkerKilledMidBacklog() throws Exception {
        Jdbi jdbi = db.jdbi();
        Map<String, String> env = env(db.url(), TestDatabase.user(), TestDatabase.password());
        int apiPort = port(env, "KOOMY_API_PORT");
        try (KoomyProcess worker = KoomyProcess.worker("burst-worker", env, port(env, "KOOMY_WORKER_ADMIN_PORT"));
             KoomyProcess api = KoomyProcess.api("burst-api", env, apiPort)) {
            worker.awaitHealthy(Duration.ofSeconds(90));
            api.awaitHealthy(Duration.ofSeconds(90));

            // 500 events and 100 redeliveries of some of them, all at once, shuffled.
            List<String> ids = new ArrayList<>();
            List<String> payloads = countedEvents(500, ids);
            List<String> burst = new ArrayList<>(payloads);
            burst.addAll(payloads.subList(0, 100));
            Collections.shuffle(burst);
            List<Integer> codes = send(apiPort, burst);

            assertThat(codes).hasSize(600).containsOnly(200);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> CountedWebhooks.settled(jdbi, ids) == 500);
            CountedWebhooks.assertAppliedExactlyOnce(jdbi, ids);
            assertThat(count(jdbi, "SELECT count(*) FROM outbox")).isZero();
        }

        // A slow handler builds a backlog; the worker is SIGKILLed in its middle and a new one takes over.
        Map<String, String> slow = with(env, "KOOMY_TEST_HANDLER_DELAY_MS", "40");
        List<String> backlog = new ArrayList<>();
        try (KoomyProcess api = KoomyProcess.api("kill-api", env, apiPort)) {
            KoomyProcess first = KoomyProcess.worker("kill-worker-1", slow, port(env, "KOOMY_WORKER_ADMIN_PORT"));
            first.awaitHealthy(Duration.ofSeconds(90));
            api.awaitHealthy(Duration.ofSeconds(90));
            assertThat(send(apiPort, countedEvents(1500, backlog))).containsOnly(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> CountedWebhooks.settled(jdbi, backlog) >= 150);

            first.kill();
            long settledAtKill = CountedWebhooks.settled(jdbi, backlog);
            Instant killedAt = Instant.now();
            assertThat(settledAtKill).as("the kill must land in the middle of the backlog").isLessThan(1500);

            try (KoomyProcess second = KoomyProcess.worker("kill-worker-2", env, port(env, "KOOMY_WORKER_ADMIN_PORT"))) {
                second.awaitHealthy(Duration.ofSeconds(90));
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> CountedWebhooks.settled(jdbi, backlog) == 1500);
                System.out.printf("worker SIGKILLed with %d/1500 applied; all applied %d s after the kill%n",
                        settledAtKill, Duration.between(killedAt, Instant.now()).toSeconds());
            }
        }
        CountedWebhooks.assertAppliedExactlyOnce(jdbi, backlog);
        assertThat(count(jdbi, "SELECT count(*) FROM stripe_events WHERE status IN ('received', 'processing')")).isZero();
    }

    @Test
    void aWorkerRecoversByItselfWhenPostgresRestartsUnderIt() throws Exception {
        try (PrivatePostgres pg = PrivatePostgres.start()) {
            Jdbi jdbi = pg.database("koomy_restart", true).create().jdbi();

            Map<String, String> env = env(pg.url("koomy_restart"), "postgres", "");
            List<String> ids = new ArrayList<>();
            try (KoomyProcess worker = KoomyProcess.worker("restart-worker", env, port(env, "KOOMY_WORKER_ADMIN_PORT"))) {
                worker.awaitHealthy(Duration.ofSeconds(90));
                store(jdbi, 300, ids);
                await().atMost(Duration.ofSeconds(60)).until(() -> CountedWebhooks.settled(jdbi, ids) == 300);

                pg.stopImmediately();
                Thread.sleep(15_000); // long enough for JobRunr to give up on its storage
                assertThat(worker.healthStatus()).as("unhealthy while the database is down").isNotEqualTo(200);
                pg.startServer();
                Instant restartedAt = Instant.now();

                store(jdbi, 300, ids);
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> CountedWebhooks.settled(jdbi, ids) == 600);
                worker.awaitHealthy(Duration.ofSeconds(60));
                System.out.printf("after the PostgreSQL restart, 300 new events applied and the worker healthy within %d s%n",
                        Duration.between(restartedAt, Instant.now()).toSeconds());
            }
            CountedWebhooks.assertAppliedExactlyOnce(jdbi, ids);
        }
    }

    private static void store(Jdbi jdbi, int n, List<String> ids) {
        jdbi.useHandle(h -> {
            for (int i = 0; i < n; i++) {
                String id = StripeTestEvents.newEventId();
                ids.add(id);
                StripeEventWrites.storeIfAbsent(h, new IncomingStripeEvent(id, CountingWorkerApplication.COUNTED, false, null,
                        "2024-06-20", Instant.now(), StripeTestEvents.event(id, CountingWorkerApplication.COUNTED, "customer")));
            }
        });
    }
}
