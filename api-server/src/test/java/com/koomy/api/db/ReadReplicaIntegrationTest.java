package com.koomy.api.db;

import com.codahale.metrics.MetricRegistry;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The read replica (issue 9), with a second PostgreSQL database standing in for it: the rows the API
 * wrote on the primary are copied there and marked (names and titles end with " (replica)", the event
 * has 42 registrations), so each answer tells which database it came from. A real streaming replica,
 * its lag and its stop are ReadReplicaIT's (worker e2e).
 */
class ReadReplicaIntegrationTest {

    private static final String MARK = " (replica)";

    /** Each check's details in /api/health are for operators. */
    private static final String OPS_TOKEN = "ops-token-replica-" + java.util.UUID.randomUUID();

    @RegisterExtension
    static TestDatabase primary = new TestDatabase();

    @RegisterExtension
    static TestDatabase replica = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(primary,
            ConfigOverride.config("opsToken", OPS_TOKEN),
            ConfigOverride.config("readReplica.url", replica::url),
            ConfigOverride.config("readReplica.checkEvery", "100ms"),
            // Which database each read reaches, not the directory's 1 s page cache (DirectoryCacheIntegrationTest).
            ConfigOverride.config("cache.directoryLocalTtl", "0s"));

    private static final ApiCalls api = new ApiCalls(() -> app.getLocalPort());
    private static User owner;
    private static User member;
    private static UUID club;
    private static UUID event;

    /** Through the API (on the primary), then copied to the "replica" and marked there. */
    @BeforeAll
    static void seed() throws Exception {
        owner = api.user("Ada Replica");
        member = api.user("Bob Replica");
        club = api.community(owner, "Replica Club", "public", "open");
        assertThat(api.call("POST", "/api/communities/" + club + "/join", member.token(), null).status()).isEqualTo(201);
        ApiReply post = api.call("POST", news(), owner.token(), Map.of("title", "Spring fair", "body", "Cake"));
        assertThat(api.call("POST", news() + "/" + post.body().get("id").asText() + "/publish", owner.token(), null).status())
                .isEqualTo(200);
        ApiReply created = api.call("POST", "/api/communities/" + club + "/events", owner.token(), Map.of("title", "Concert",
                "startsAt", Instant.now().plus(Duration.ofDays(3)).toString(),
                "endsAt", Instant.now().plus(Duration.ofDays(3)).plus(Duration.ofHours(2)).toString(),
                "timeZone", "Europe/Paris", "capacity", 100));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        event = UUID.fromString(created.body().get("id").asText());

        for (String table : List.of("accounts", "communities", "memberships", "news_posts", "events")) {
            copy(table);
        }
        replica.jdbi().useHandle(h -> {
            h.execute("UPDATE accounts SET name = name || ?", MARK);
            h.execute("UPDATE news_posts SET title = title || ?", MARK);
            h.execute("UPDATE events SET title = title || ?, confirmed_count = 42", MARK);
        });
        awaitReplicaUsable();
    }

    @Test
    void directoryFeedEventListAndStatsAreReadFromTheReplica() {
        long before = meter("koomy.db.reads.replica");

        assertThat(names(api.get("/api/communities/" + club + "/members", owner.token())))
                .containsExactly("Ada Replica" + MARK, "Bob Replica" + MARK);
        assertThat(titles(api.get(news(), member.token()))).containsExactly("Spring fair" + MARK);
        assertThat(titles(api.get("/api/communities/" + club + "/events", member.token()))).containsExactly("Concert" + MARK);
        ApiReply stats = api.get("/api/events/" + event + "/checkins/stats", owner.token());
        assertThat(stats.status()).isEqualTo(200);
        assertThat(stats.body().get("registered").asInt()).isEqualTo(42);

        assertThat(meter("koomy.db.reads.replica") - before).isGreaterThanOrEqualTo(4);
        // /api/health answers results at most 1 s old.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> {
            ApiReply health = api.get("/api/health", OPS_TOKEN);
            assertThat(health.body().at("/checks/read-replica/healthy").asBoolean()).isTrue();
            assertThat(health.body().at("/checks/read-replica/message").asText()).contains("not a standby");
            assertThat(health.body().path("degraded").isMissingNode()).isTrue();
        });
    }

    @Test
    void writesAndTheReadsRightAfterThemUseThePrimary() {
        ApiReply created = api.call("POST", news(), owner.token(), Map.of("title", "Written now", "body", "Fresh"));
        assertThat(created.status()).isEqualTo(201);
        UUID post = UUID.fromString(created.body().get("id").asText());
        assertThat(api.call("POST", news() + "/" + post + "/publish", owner.token(), null).status()).isEqualTo(200);

        assertThat(countPost(primary, post)).isEqualTo(1);
        assertThat(countPost(replica, post)).isZero();
        // The post itself, read right after writing it, comes from the primary; the feed from the replica,
        // which (here, never) has it.
        ApiReply single = api.get(news() + "/" + post, member.token());
        assertThat(single.status()).isEqualTo(200);
        assertThat(single.body().get("title").asText()).isEqualTo("Written now");
        assertThat(titles(api.get(news(), member.token()))).containsExactly("Spring fair" + MARK);
        // The drafts list is its authors' working view: the primary's.
        assertThat(api.call("POST", news(), owner.token(), Map.of("title", "A draft", "body", "")).status()).isEqualTo(201);
        assertThat(titles(api.get(news() + "?status=draft", owner.token()))).containsExactly("A draft");
    }

    @Test
    void aRefusalFromTheReplicaIsCheckedOnThePrimary() {
        // Carol's membership exists only on the primary, as for a replica that has not replayed her join yet.
        User carol = api.user("Carol Replica");
        assertThat(api.call("POST", "/api/communities/" + club + "/join", carol.token(), null).status()).isEqualTo(201);
        long confirmed = meter("koomy.db.reads.confirmed-on-primary");

        ApiReply feed = api.get(news(), carol.token());
        assertThat(feed.status()).isEqualTo(200);
        assertThat(titles(feed)).contains("Spring fair").doesNotContain("Spring fair" + MARK);
        assertThat(meter("koomy.db.reads.confirmed-on-primary") - confirmed).isEqualTo(1);

        User stranger = api.user("Stranger Replica");
        assertThat(api.get("/api/communities/" + club + "/members", stranger.token()).code()).isEqualTo("community_not_found");
    }

    @Test
    void readsFallBackToThePrimaryWhileTheReplicaIsDownAndReturnAfter() {
        try {
            primary.jdbi().useHandle(h -> {
                h.execute("ALTER DATABASE " + replica.name() + " CONNECTION LIMIT 0");
                h.select("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ?", replica.name())
                        .mapTo(Boolean.class).list();
            });
            // The first read may meet a pooled connection that was cut: it is run again on the primary.
            assertThat(names(api.get("/api/communities/" + club + "/members", owner.token())))
                    .contains("Ada Replica", "Bob Replica");
            await().atMost(Duration.ofSeconds(10)).until(() -> gauge("koomy.db.replica.usable").equals(0));
            long onPrimary = meter("koomy.db.reads.primary");
            assertThat(titles(api.get(news(), member.token()))).contains("Spring fair");
            assertThat(meter("koomy.db.reads.primary") - onPrimary).isEqualTo(1);

            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> {
                ApiReply health = api.get("/api/health", OPS_TOKEN);
                assertThat(health.body().at("/checks/read-replica/healthy").asBoolean()).isFalse();
                assertThat(health.body().at("/checks/read-replica/message").asText()).startsWith("reads on the primary");
                assertThat(names(health.body().path("degraded"))).contains("read-replica");
                assertThat(names(health.body().path("failed"))).doesNotContain("read-replica", "postgresql-read");
            });
        } finally {
            primary.jdbi().useHandle(h -> h.execute("ALTER DATABASE " + replica.name() + " CONNECTION LIMIT -1"));
        }
        awaitReplicaUsable();
        assertThat(names(api.get("/api/communities/" + club + "/members", owner.token())))
                .containsExactly("Ada Replica" + MARK, "Bob Replica" + MARK);
    }

    private static void awaitReplicaUsable() {
        await().atMost(Duration.ofSeconds(10)).until(() -> gauge("koomy.db.replica.usable").equals(1));
    }

    private static String news() {
        return "/api/communities/" + club + "/news";
    }

    /** COPY (binary) of a whole table from the primary to the replica's database. */
    private static void copy(String table) throws Exception {
        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        primary.jdbi().useHandle(h -> copyManager(h).copyOut("COPY " + table + " TO STDOUT (FORMAT binary)", rows));
        replica.jdbi().useHandle(h -> copyManager(h).copyIn("COPY " + table + " FROM STDIN (FORMAT binary)",
                new ByteArrayInputStream(rows.toByteArray())));
    }

    private static org.postgresql.copy.CopyManager copyManager(Handle handle) throws java.sql.SQLException {
        return handle.getConnection().unwrap(PGConnection.class).getCopyAPI();
    }

    private static long countPost(TestDatabase db, UUID post) {
        return db.jdbi().withHandle(h -> h.select("SELECT count(*) FROM news_posts WHERE id = ?", post).mapTo(Long.class).one());
    }

    private static List<String> names(ApiReply page) {
        assertThat(page.status()).as(page.body().toString()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        page.body().get("items").forEach(item -> names.add(item.get("name").asText()));
        return names;
    }

    private static List<String> names(com.fasterxml.jackson.databind.JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(item -> names.add(item.asText()));
        return names;
    }

    private static List<String> titles(ApiReply page) {
        assertThat(page.status()).as(page.body().toString()).isEqualTo(200);
        List<String> titles = new ArrayList<>();
        page.body().get("items").forEach(item -> titles.add(item.get("title").asText()));
        return titles;
    }

    private static MetricRegistry metrics() {
        return app.getEnvironment().metrics();
    }

    private static long meter(String name) {
        return metrics().meter(name).getCount();
    }

    private static Object gauge(String name) {
        return metrics().getGauges().get(name).getValue();
    }
}
