package com.koomy.worker.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.testing.ApiHttp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.FreePorts;
import com.koomy.testing.TestRedis;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The API from the packaged jar on a private PostgreSQL and a real streaming replica of it (issue 9):
 * the directory, the feed, the event list and the door's stats are read on the replica; when its replay
 * is paused and it falls more than KOOMY_READ_MAX_LAG behind, reads go to the primary (a post written
 * during the pause is in the feed at once) and /api/health lists it as degraded; when it catches up,
 * reads return to it; when it stops, reads go on from the primary, and return when it is back.
 */
class ReadReplicaIT {

    /** Each check's details in /api/health are for operators. */
    private static final String OPS_TOKEN = "ops-token-replica-it-" + java.util.UUID.randomUUID();

    private static final String ADMIN_USER = "replica-it";
    private static final String ADMIN_PASSWORD = "replica-it-admin-password";


    private static final String DB = "koomy_replica_it";

    private int port;
    private int adminPort;

    @Test
    void readsGoToTheStreamingReplicaAndToThePrimaryWhileItLagsOrIsDown() throws Exception {
        try (PrivatePostgres pg = PrivatePostgres.start()) {
            pg.database(DB, false).create();
            try (PrivatePostgres standby = pg.replica()) {
                Jdbi replica = Jdbi.create(standby.url(DB), "postgres", "");
                port = FreePorts.next();
                adminPort = FreePorts.next();
                Map<String, String> env = new HashMap<>();
                env.put("DATABASE_URL", pg.url(DB));
                env.put("DATABASE_USER", "postgres");
                env.put("DATABASE_PASSWORD", "");
                env.put("DATABASE_READ_URL", standby.url(DB));
                env.put("KOOMY_READ_MAX_LAG", "1s");
                env.put("KOOMY_READ_CHECK_EVERY", "200ms");
                env.put("KOOMY_RATE_LIMITS_ENABLED", "false");
                env.put("KOOMY_REDIS_PREFIX", TestRedis.newPrefix());
                env.put("KOOMY_API_PORT", String.valueOf(port));
                env.put("KOOMY_API_ADMIN_PORT", String.valueOf(adminPort));
                env.put("KOOMY_ADMIN_USER", ADMIN_USER);
                env.put("KOOMY_ADMIN_PASSWORD", ADMIN_PASSWORD);
                env.put("KOOMY_OPS_TOKEN", OPS_TOKEN);
                try (KoomyProcess api = KoomyProcess.api("replica-api", env, port)) {
                    awaitAnswering(api);
                    scenario(replica, standby);
                }
            }
        }
    }

    private void scenario(Jdbi replica, PrivatePostgres standby) throws Exception {
        String owner = signUp("Ada Standby");
        String member = signUp("Bob Standby");
        String club = call("POST", "/api/communities", owner, Map.of("name", "Standby Club", "visibility", "public",
                "joinPolicy", "open")).body().get("id").asText();
        assertThat(call("POST", "/api/communities/" + club + "/join", member, null).status()).isEqualTo(201);
        publish(club, owner, "Before the pause");
        ApiReply event = call("POST", "/api/communities/" + club + "/events", owner, Map.of("title", "Concert",
                "startsAt", Instant.now().plus(Duration.ofDays(2)).toString(),
                "endsAt", Instant.now().plus(Duration.ofDays(2)).plus(Duration.ofHours(2)).toString(), "timeZone", "Europe/Paris"));
        assertThat(event.status()).as(event.body().toString()).isEqualTo(201);
        String news = "/api/communities/" + club + "/news";

        // Caught up: the four read-mostly routes are served by the replica's pool.
        awaitReplica(true);
        long onReplica = meter("koomy.db.reads.replica");
        assertThat(items(call("GET", "/api/communities/" + club + "/members", owner, null), "name"))
                .containsExactly("Ada Standby", "Bob Standby");
        assertThat(items(call("GET", news, member, null), "title")).containsExactly("Before the pause");
        assertThat(items(call("GET", "/api/communities/" + club + "/events", member, null), "title")).containsExactly("Concert");
        assertThat(call("GET", "/api/events/" + event.body().get("id").asText() + "/checkins/stats", owner, null).status())
                .isEqualTo(200);
        assertThat(meter("koomy.db.reads.replica") - onReplica).isGreaterThanOrEqualTo(4);
        long readConnections = replica.withHandle(h -> h.select(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'koomy-api-read'").mapTo(Long.class).one());
        assertThat(readConnections).as("the API's read pool is connected to the standby").isPositive();

        // Replay paused: the replica falls behind; past 1 s, reads go to the primary, which has the new post.
        replica.useHandle(h -> h.select("SELECT pg_wal_replay_pause()").mapToMap().list());
        try {
            publish(club, owner, "During the pause");
            JsonNode lagging = awaitReplica(false);
            assertThat(lagging.get("message").asText()).contains("over the 1.0 s bound");
            long onPrimary = meter("koomy.db.reads.primary");
            assertThat(items(call("GET", news, member, null), "title")).containsExactly("During the pause", "Before the pause");
            assertThat(meter("koomy.db.reads.primary") - onPrimary).isEqualTo(1);
            JsonNode health = call("GET", "/api/health", OPS_TOKEN, null).body();
            assertThat(texts(health.path("degraded"))).contains("read-replica");
            assertThat(texts(health.path("failed"))).doesNotContain("read-replica", "postgresql-read");
        } finally {
            replica.useHandle(h -> h.select("SELECT pg_wal_replay_resume()").mapToMap().list());
        }
        awaitReplica(true);
        onReplica = meter("koomy.db.reads.replica");
        assertThat(items(call("GET", news, member, null), "title")).containsExactly("During the pause", "Before the pause");
        assertThat(meter("koomy.db.reads.replica") - onReplica).isEqualTo(1);

        // Stopped: reads go on from the primary; started again: back to the replica.
        standby.stopImmediately();
        assertThat(items(call("GET", "/api/communities/" + club + "/members", owner, null), "name"))
                .containsExactly("Ada Standby", "Bob Standby");
        assertThat(awaitReplica(false).get("reachable").asBoolean()).isFalse();
        standby.startServer();
        awaitReplica(true);
    }

    private void publish(String club, String token, String title) {
        ApiReply post = call("POST", "/api/communities/" + club + "/news", token, Map.of("title", title, "body", "Body"));
        assertThat(post.status()).isEqualTo(201);
        assertThat(call("POST", "/api/communities/" + club + "/news/" + post.body().get("id").asText() + "/publish", token, null)
                .status()).isEqualTo(200);
    }

    private String signUp(String name) {
        String email = name.toLowerCase().replace(' ', '.') + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        assertThat(call("POST", "/api/auth/register", null, Map.of("email", email, "password", "correct horse battery",
                "name", name, "locale", "en")).status()).isEqualTo(201);
        return call("POST", "/api/auth/login", null, Map.of("email", email, "password", "correct horse battery"))
                .body().get("token").asText();
    }

    /** The read-replica check of /api/health once it says {@code usable}. */
    private JsonNode awaitReplica(boolean usable) {
        JsonNode[] check = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            check[0] = call("GET", "/api/health", OPS_TOKEN, null).body().at("/checks/read-replica");
            return check[0].path("usable").asBoolean(!usable) == usable;
        });
        return check[0];
    }

    /** Without a worker the job-queue check fails (503): the API is up once its database check passes. */
    private void awaitAnswering(KoomyProcess api) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            int status = api.healthStatus();
            if ((status == 200 || status == 503)
                    && call("GET", "/api/health", OPS_TOKEN, null).body().at("/checks/database/healthy").asBoolean()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the API did not answer within 90 s; see " + api.log);
    }

    /** A meter of the API's admin /metrics (HTTP Basic since the admin ports need credentials). */
    private long meter(String name) throws Exception {
        String basic = java.util.Base64.getEncoder().encodeToString(
                (ADMIN_USER + ":" + ADMIN_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                        .header("Authorization", "Basic " + basic).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("admin /metrics").isEqualTo(200);
        return ApiHttp.JSON.readTree(response.body()).path("meters").path(name).path("count").asLong();
    }

    private static List<String> items(ApiReply page, String field) {
        assertThat(page.status()).as(page.body().toString()).isEqualTo(200);
        List<String> values = new ArrayList<>();
        page.body().get("items").forEach(item -> values.add(item.get(field).asText()));
        return values;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(item -> values.add(item.asText()));
        return values;
    }

    private ApiReply call(String method, String path, String token, Object body) {
        return ApiHttp.call(port, method, path, token, body);
    }
}
