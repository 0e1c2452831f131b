package com.koomy.worker.e2e;

import com.koomy.accounts.SessionStore;
import com.koomy.config.RedisKeys;
import com.koomy.testing.ApiReply;
import com.koomy.testing.FreePorts;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.koomy.testing.ApiHttp.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Registrations and check-in across two API processes from the packaged jar, on one PostgreSQL and one
 * Redis (issue 5): a crowd registering through both never takes one seat over the capacity, and two
 * gates scanning each ticket at the same moment, one on each process, admit it exactly once.
 */
class CheckinTwoApisIT {

    private static final int CAPACITY = 120;
    private static final int CROWD = 240;

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    /**
     * As a client should: a 503 (every database connection of that process busy for its whole wait, under
     * the crowd on a shared machine) is retried after a moment; a registration or scan retried this way
     * is safe (nothing was written; scans are idempotent by scan id).
     */
    private ApiReply retried(int port, String method, String path, String token, Object body) throws InterruptedException {
        ApiReply reply = call(port, method, path, token, body);
        for (int attempt = 0; attempt < 50 && reply.status() == 503; attempt++) {
            Thread.sleep(200);
            reply = call(port, method, path, token, body);
        }
        return reply;
    }

    private static Map<String, String> env(String keySecret, RedisKeys redisKeys) {
        Map<String, String> env = new HashMap<>();
        env.put("KOOMY_REDIS_PREFIX", redisKeys.prefix()); // one stack: both APIs and the worker
        env.put("DATABASE_URL", db.url());
        env.put("DATABASE_USER", TestDatabase.user());
        env.put("DATABASE_PASSWORD", TestDatabase.password());
        env.put("KOOMY_CARD_KEY_SECRET", keySecret);
        env.put("KOOMY_RATE_LIMITS_ENABLED", "false");
        env.put("KOOMY_API_DB_MAX", "16");
        env.put("KOOMY_API_PORT", String.valueOf(FreePorts.next()));
        env.put("KOOMY_API_ADMIN_PORT", String.valueOf(FreePorts.next()));
        return PgBouncer.route(env); // unchanged unless a subclass puts PgBouncer in front
    }

    private static KoomyProcess api(String name, Map<String, String> env) throws Exception {
        return healthy(KoomyProcess.api(name, env, Integer.parseInt(env.get("KOOMY_API_PORT"))));
    }

    /** The APIs' health includes the job queue: one small worker runs beside them (it mails the tickets to its sink). */
    private static KoomyProcess worker(Map<String, String> apiEnv) throws Exception {
        Map<String, String> env = new HashMap<>(apiEnv);
        env.put("KOOMY_DASHBOARD_ENABLED", "false");
        env.put("KOOMY_JOBS_WORKERS", "4");
        env.put("KOOMY_WORKER_DB_MAX", "6");
        env.put("KOOMY_WORKER_JOBS_DB_MAX", "8");
        env.put("KOOMY_WORKER_ADMIN_PORT", String.valueOf(FreePorts.next()));
        return healthy(KoomyProcess.worker("checkin-worker", env, Integer.parseInt(env.get("KOOMY_WORKER_ADMIN_PORT"))));
    }

    private static KoomyProcess healthy(KoomyProcess process) throws Exception {
        try {
            process.awaitHealthy(Duration.ofSeconds(90));
            return process;
        } catch (Exception | Error e) {
            process.close();
            throw e;
        }
    }

    @Test
    void twoApiProcessesNeverOversellAndAdmitEachTicketOnce() throws Exception {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String keySecret = Base64.getEncoder().encodeToString(secret);
        RedisKeys redisKeys = TestRedis.newKeys();
        Map<String, String> env1 = env(keySecret, redisKeys);
        Map<String, String> env2 = env(keySecret, redisKeys);
        int[] ports = {Integer.parseInt(env1.get("KOOMY_API_PORT")), Integer.parseInt(env2.get("KOOMY_API_PORT"))};
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try (KoomyProcess jobs = worker(env1); KoomyProcess first = api("checkin-api-1", env1);
             KoomyProcess second = api("checkin-api-2", env2)) {
            // The owner signs up through the API; the crowd is written to the database with Redis sessions.
            String email = "owner-" + UUID.randomUUID() + "@example.org";
            assertThat(call(ports[0], "POST", "/api/auth/register", null,
                    Map.of("email", email, "password", "correct horse battery", "name", "Owner", "locale", "en")).status()).isEqualTo(201);
            String owner = call(ports[1], "POST", "/api/auth/login", null,
                    Map.of("email", email, "password", "correct horse battery")).body().get("token").asText();
            String club = call(ports[0], "POST", "/api/communities", owner, Map.of("name", "Two APIs Club")).body().get("id").asText();
            Instant start = Instant.now().plus(Duration.ofHours(1));
            ApiReply created = call(ports[1], "POST", "/api/communities/" + club + "/events", owner, Map.of("title", "Concert",
                    "startsAt", start.toString(), "endsAt", start.plus(Duration.ofHours(3)).toString(),
                    "timeZone", "Europe/Paris", "capacity", CAPACITY));
            assertThat(created.status()).isEqualTo(201);
            String event = created.body().get("id").asText();
            SessionStore sessions = new SessionStore(TestRedis.client(), redisKeys, Duration.ofHours(1), Duration.ofHours(1));
            List<String> crowd = new ArrayList<>();
            db.jdbi().useTransaction(h -> {
                for (int i = 0; i < CROWD; i++) {
                    UUID id = UUID.randomUUID();
                    h.execute("INSERT INTO accounts (id, email, name, password_hash) VALUES (?, ?, ?, 'x')",
                            id, "crowd-" + id + "@example.org", "Crowd " + i);
                    h.execute("INSERT INTO memberships (community_id, account_id) VALUES (?::uuid, ?)", club, id);
                    crowd.add(sessions.create(id).token());
                }
            });

            // Everyone registers at once, half through each process.
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ApiReply>> registrations = new ArrayList<>();
            for (int i = 0; i < CROWD; i++) {
                int port = ports[i % 2];
                String token = crowd.get(i);
                registrations.add(pool.submit(() -> {
                    go.await();
                    return retried(port, "POST", "/api/events/" + event + "/registrations?qr=false", token, null);
                }));
            }
            go.countDown();
            List<String> qrs = new ArrayList<>();
            for (Future<ApiReply> f : registrations) {
                ApiReply r = f.get();
                assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
                if ("confirmed".equals(r.body().get("status").asText())) {
                    qrs.add(r.body().get("qr").asText());
                }
            }
            assertThat(qrs).hasSize(CAPACITY);
            long confirmed = db.jdbi().withHandle(h -> h.select(
                    "SELECT count(*) FROM tickets WHERE event_id = ?::uuid AND status = 'confirmed'", event).mapTo(Long.class).one());
            assertThat(confirmed).isEqualTo(CAPACITY);

            // Two gates per ticket, one on each process, released together; each gate retries its scan on the other process.
            List<List<Future<ApiReply>>> scans = new ArrayList<>();
            for (String qr : qrs) {
                CountDownLatch now = new CountDownLatch(1);
                List<Future<ApiReply>> pair = new ArrayList<>();
                for (int gate = 0; gate < 2; gate++) {
                    String scanId = "it-" + UUID.randomUUID();
                    Map<String, String> body = Map.of("qr", qr, "scanId", scanId, "gate", "gate-" + gate);
                    int port = ports[gate];
                    int other = ports[1 - gate];
                    pair.add(pool.submit(() -> { now.await(); return retried(port, "POST", "/api/events/" + event + "/checkins", owner, body); }));
                    pair.add(pool.submit(() -> { now.await(); return retried(other, "POST", "/api/events/" + event + "/checkins", owner, body); }));
                }
                now.countDown();
                scans.add(pair);
            }
            for (List<Future<ApiReply>> pair : scans) {
                List<String> outcomes = new ArrayList<>();
                for (Future<ApiReply> f : pair) {
                    ApiReply r = f.get();
                    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
                    outcomes.add(r.body().get("result").asText());
                }
                // [gate 0, gate 0's retry, gate 1, gate 1's retry]: a scan and its retry agree, one gate admits.
                assertThat(outcomes.get(0)).isEqualTo(outcomes.get(1));
                assertThat(outcomes.get(2)).isEqualTo(outcomes.get(3));
                assertThat(List.of(outcomes.get(0), outcomes.get(2))).containsExactlyInAnyOrder("admitted", "already_admitted");
            }
            long admitted = db.jdbi().withHandle(h -> h.select("SELECT count(*) FROM checkins WHERE event_id = ?::uuid", event)
                    .mapTo(Long.class).one());
            assertThat(admitted).isEqualTo(CAPACITY);
            for (int port : ports) {
                ApiReply stats = call(port, "GET", "/api/events/" + event + "/checkins/stats", owner, null);
                assertThat(stats.status()).isEqualTo(200);
                assertThat(stats.body().get("registered").asInt()).isEqualTo(CAPACITY);
                // Up to a second old: wait out the cache once if needed.
                if (stats.body().get("admitted").asLong() != CAPACITY) {
                    Thread.sleep(1100);
                    stats = call(port, "GET", "/api/events/" + event + "/checkins/stats", owner, null);
                }
                assertThat(stats.body().get("admitted").asLong()).isEqualTo(CAPACITY);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
