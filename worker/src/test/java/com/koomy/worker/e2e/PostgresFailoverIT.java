package com.koomy.worker.e2e;

import com.koomy.testing.FreePorts;
import com.koomy.testing.TestRedis;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 22, item 5: the primary crashes under webhook load and its synchronous streaming replica is promoted
 * ({@code ops/koomy replica} makes the same kind of standby). API and worker know both hosts (a multi-host URL;
 * {@code targetServerType=primary} in config/*.yml) and are not restarted: every webhook answered 2xx is applied
 * exactly once on the new primary, nothing is answered 500, and webhooks are accepted again after the promotion.
 */
class PostgresFailoverIT {

    private static final String SECRET = "whsec_failover_test";
    private static final String DATABASE = "koomy_failover";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    private final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();

    @Test
    void aPromotedReplicaTakesOverWithNothingAcknowledgedLost() throws Exception {
        try (PrivatePostgres primary = PrivatePostgres.start()) {
            primary.database(DATABASE, true).create();
            try (PrivatePostgres replica = primary.replica()) {
                // Synchronous: a commit (and so a webhook's 2xx) waits until the standby has it on disk.
                Jdbi.create(primary.url("postgres"), "postgres", "").useHandle(h -> {
                    h.execute("ALTER SYSTEM SET synchronous_standby_names = '*'");
                    h.execute("SELECT pg_reload_conf()");
                });
                await().atMost(Duration.ofSeconds(30)).until(() -> Jdbi.create(primary.url("postgres"), "postgres", "")
                        .withHandle(h -> h.createQuery("SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'")
                                .mapTo(Integer.class).one()) == 1);

                String both = "jdbc:postgresql://127.0.0.1:" + primary.port + ",127.0.0.1:" + replica.port + "/" + DATABASE;
                Map<String, String> env = new HashMap<>();
                env.put("DATABASE_URL", both);
                env.put("DATABASE_MIGRATE_URL", both);
                env.put("DATABASE_USER", "postgres");
                env.put("DATABASE_PASSWORD", "");
                env.put("STRIPE_WEBHOOK_SECRET", SECRET);
                env.put("KOOMY_REDIS_PREFIX", TestRedis.newPrefix());
                env.put("KOOMY_DASHBOARD_ENABLED", "false");
                env.put("KOOMY_API_DB_MAX", "8");
                int apiPort = FreePorts.next();
                int workerAdmin = FreePorts.next();
                env.put("KOOMY_API_PORT", String.valueOf(apiPort));
                env.put("KOOMY_API_ADMIN_PORT", String.valueOf(FreePorts.next()));
                env.put("KOOMY_WORKER_ADMIN_PORT", String.valueOf(workerAdmin));
                try (KoomyProcess worker = KoomyProcess.worker("failover-worker", env, workerAdmin);
                     KoomyProcess api = KoomyProcess.api("failover-api", env, apiPort)) {
                    worker.awaitHealthy(Duration.ofSeconds(90));
                    api.awaitHealthy(Duration.ofSeconds(90));
                    long apiPid = api.pid();
                    long workerPid = worker.pid();

                    AtomicBoolean running = new AtomicBoolean(true);
                    ExecutorService senders = Executors.newFixedThreadPool(4);
                    for (int i = 0; i < 4; i++) {
                        senders.submit(() -> send(apiPort, running));
                    }
                    await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 200);
                    primary.stopImmediately();
                    Instant crashedAt = Instant.now();
                    replica.promote();
                    Duration promotion = Duration.between(crashedAt, Instant.now());
                    int before = acknowledged.size();
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                            .until(() -> acknowledged.size() >= before + 200);
                    Duration acceptingAgain = Duration.between(crashedAt, Instant.now());
                    running.set(false);
                    senders.shutdown();
                    senders.awaitTermination(60, TimeUnit.SECONDS);

                    Jdbi promoted = replica.database(DATABASE, false).jdbi();
                    List<String> ids = new ArrayList<>(acknowledged);
                    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                            .until(() -> CountedWebhooks.settled(promoted, ids) == ids.size());
                    Duration drained = Duration.between(crashedAt, Instant.now());
                    worker.awaitHealthy(Duration.ofSeconds(60));
                    System.out.printf("primary crashed, replica promoted in %d ms; webhooks accepted again %d ms after the "
                                    + "crash; answers %s; %d acknowledged, all applied %d s after the crash%n",
                            promotion.toMillis(), acceptingAgain.toMillis(), statuses, ids.size(), drained.toSeconds());

                    assertThat(statuses.keySet()).as("answers during the failover").isSubsetOf(200, 503);
                    CountedWebhooks.assertAppliedExactlyOnce(promoted, ids);
                    assertThat(api.pid()).isEqualTo(apiPid);
                    assertThat(worker.pid()).isEqualTo(workerPid);
                }
            }
        }
    }

    private void send(int apiPort, AtomicBoolean running) {
        while (running.get()) {
            List<String> ids = new ArrayList<>(1);
            int status = CountedWebhooks.postOrMinusOne(http, "http://127.0.0.1:" + apiPort, CountedWebhooks.newEvent(ids), SECRET);
            statuses.merge(status, 1, Integer::sum);
            if (status / 100 == 2) {
                acknowledged.addAll(ids);
            }
        }
    }


}
