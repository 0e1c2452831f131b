package com.koomy.api.communities;

import com.codahale.metrics.MetricRegistry;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.cache.JsonCache;
import com.koomy.communities.Communities;
import com.koomy.communities.PurgeCommunity;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestRedis;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * DELETE /api/communities/{id} (issue 21): only archived, after the grace period, cancelled by unarchive;
 * then the worker's purge (run here as the worker runs it) removes members and content and keeps payments.
 */
class CommunityDeletionIntegrationTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db);

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort()).checkingContract();

    /** The purge job as the worker wires it, dropping the purged page from the API's Redis cache. */
    private PurgeCommunity.Handler purge() {
        JsonCache<Communities.PublicPart> pages = new JsonCache<>("communities", Communities.CACHE_SCHEMA, Duration.ofMinutes(10),
                app.getObjectMapper().constructType(Communities.PublicPart.class), TestRedis.client(), ApiTestApp.keys(app),
                app.getObjectMapper(), new MetricRegistry(), Clock.systemUTC());
        return new PurgeCommunity.Handler(db.jdbi(), id -> pages.invalidate(id.toString()));
    }

    private String sql(String query, UUID community) {
        return db.jdbi().withHandle(h -> h.createQuery(query).bind("c", community).mapTo(String.class).one());
    }

    private String content(UUID c) {
        return sql("""
                SELECT concat_ws(' ', (SELECT count(*) FROM memberships WHERE community_id = :c),
                                      (SELECT count(*) FROM events WHERE community_id = :c),
                                      (SELECT count(*) FROM news_posts WHERE community_id = :c),
                                      (SELECT count(*) FROM payments WHERE community_id = :c),
                                      (SELECT count(*) FROM receipts WHERE community_id = :c))""", c);
    }

    private void elapse(UUID community) {
        db.jdbi().useHandle(h -> h.execute("UPDATE communities SET deletion_due_at = now() - interval '1 second' WHERE id = ?",
                community));
    }

    @Test
    void anArchivedCommunityIsDeletedAfterTheGracePeriodKeepingItsPayments() {
        User owner = api.user("Dana Owner");
        User member = api.user("Mona Member");
        UUID club = api.community(owner, "Club de Voile", "public", "open");
        UUID keeps = api.community(owner, "Club de Ski", "public", "open");
        String base = "/api/communities/" + club;
        assertThat(api.call("POST", base + "/join", member.token(), null).status()).isEqualTo(201);
        Instant start = Instant.now().plus(5, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        assertThat(api.call("POST", base + "/events", owner.token(), Map.of("title", "Régate", "startsAt", start.toString(),
                "endsAt", start.plus(1, ChronoUnit.HOURS).toString(), "timeZone", "Europe/Paris")).status()).isEqualTo(201);
        assertThat(api.call("POST", base + "/news", owner.token(), Map.of("title", "Saison")).status()).isEqualTo(201);
        String tier = api.call("POST", base + "/dues/tiers", owner.token(), Map.of("name", "Adulte", "amount", 4000,
                "currency", "eur", "period", "rolling_year")).body().get("id").asText();
        assertThat(api.call("POST", base + "/payments/manual", owner.token(), Map.of("accountId", member.id().toString(),
                "tierId", tier, "method", "cheque", "clientReference", "cheque-1")).status()).isBetween(200, 201);
        assertThat(content(club)).isEqualTo("2 1 1 1 1");

        // Not archived: refused, nothing scheduled.
        ApiReply early = api.call("DELETE", "/api/communities/" + club, owner.token(), null);
        assertThat(early.status() + " " + early.code()).isEqualTo("409 not_archived");
        assertThat(api.call("DELETE", "/api/communities/" + club, member.token(), null).status()).isEqualTo(403);

        // Archived, deletion asked: due in 30 days; asking again keeps the date; unarchive cancels it.
        assertThat(api.call("POST", base + "/archive", owner.token(), null).status()).isEqualTo(200);
        assertThat(api.call("DELETE", "/api/communities/" + club, member.token(), null).status()).isEqualTo(403);
        assertThat(api.call("DELETE", "/api/communities/" + keeps, member.token(), null).status()).isEqualTo(404);
        ApiReply asked = api.call("DELETE", "/api/communities/" + club, owner.token(), null);
        assertThat(asked.status()).as(asked.body().toString()).isEqualTo(202);
        Instant due = Instant.parse(asked.body().get("deletionDueAt").asText());
        assertThat(Duration.between(Instant.now(), due)).isBetween(Duration.ofDays(30).minusMinutes(5), Duration.ofDays(30));
        assertThat(Instant.parse(api.call("DELETE", "/api/communities/" + club, owner.token(), null).body()
                .get("deletionDueAt").asText())).isEqualTo(due);
        ApiReply restored = api.call("POST", base + "/unarchive", owner.token(), null);
        assertThat(restored.body().get("deletionDueAt").isNull()).isTrue();
        assertThat(purge().purgeDue()).isZero();
        assertThat(content(club)).isEqualTo("2 1 1 1 1");

        // Asked again, and the grace period passes: the worker anonymises it.
        assertThat(api.call("POST", base + "/archive", owner.token(), null).status()).isEqualTo(200);
        assertThat(api.call("DELETE", "/api/communities/" + club, owner.token(), null).status()).isEqualTo(202);
        assertThat(api.get("/api/communities/" + club, null).status()).isEqualTo(200);
        elapse(club);
        assertThat(purge().purgeDue()).isEqualTo(1);
        assertThat(purge().purgeDue()).isZero();

        assertThat(content(club)).isEqualTo("0 0 0 1 1");
        assertThat(sql("SELECT name || '/' || visibility || '/' || description || '/' || (purged_at IS NOT NULL) || '/' || slug "
                + "FROM communities WHERE id = :c", club))
                .isEqualTo("Deleted community/private//true/deleted-" + club.toString().replace("-", ""));
        // The name its receipts were issued under stays for the books (V35).
        assertThat(sql("SELECT name_before_purge FROM communities WHERE id = :c", club)).isEqualTo("Club de Voile");
        assertThat(api.get("/api/communities/" + club, owner.token()).status()).isEqualTo(404);
        assertThat(api.call("POST", base + "/unarchive", owner.token(), null).status()).isEqualTo(404);
        await().atMost(Duration.ofSeconds(5)).until(() -> api.get("/api/communities/" + club, null).status() == 404);
        // The owner's other community is untouched.
        assertThat(api.get("/api/communities/" + keeps, owner.token()).body().get("name").asText()).isEqualTo("Club de Ski");
    }
}
