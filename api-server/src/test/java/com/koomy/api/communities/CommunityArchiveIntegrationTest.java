package com.koomy.api.communities;

import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** POST .../archive and .../unarchive (issue 21): an archived community is read-only, and says so. */
class CommunityArchiveIntegrationTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("cardKeySecret", java.util.Base64.getEncoder().encodeToString(
                    new java.security.SecureRandom().generateSeed(32))),
            ConfigOverride.config("unsubscribeSecret", "unsubscribe-test-secret-" + UUID.randomUUID()),
            // Stripe configured but unreachable: an archived community's checkout is refused before any call.
            ConfigOverride.config("stripe.apiKey", "sk_test_archive"),
            ConfigOverride.config("stripe.apiBase", "http://127.0.0.1:9"));

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort()).checkingContract();

    /** What an archive must not change: every table a refused write would have touched, counted. */
    private String state(UUID c) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT concat_ws(' ',
                            (SELECT count(*) FROM memberships WHERE community_id = :c),
                            (SELECT count(*) FROM invitations WHERE community_id = :c),
                            (SELECT count(*) FROM events WHERE community_id = :c),
                            (SELECT count(*) FROM tickets t JOIN events e ON e.id = t.event_id WHERE e.community_id = :c),
                            (SELECT string_agg(status, ',' ORDER BY status) FROM news_posts WHERE community_id = :c),
                            (SELECT string_agg(status, ',' ORDER BY status) FROM newsletters WHERE community_id = :c),
                            (SELECT count(*) FROM payments WHERE community_id = :c),
                            (SELECT count(*) FROM dues_checkouts WHERE community_id = :c),
                            (SELECT name || '/' || description FROM communities WHERE id = :c))""")
                .bind("c", c).mapTo(String.class).one());
    }

    private String id(ApiReply created) {
        assertThat(created.status()).as(created.body().toString()).isBetween(200, 201);
        return created.body().get("id").asText();
    }

    private String invitationToken(String email) {
        String url = db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT variables ->> 'acceptUrl' FROM emails WHERE template = 'invitation'
                           AND recipients -> 0 ->> 'email' = :email ORDER BY created_at DESC LIMIT 1""")
                .bind("email", email).mapTo(String.class).one());
        return URLDecoder.decode(url.substring(url.indexOf("token=") + 6), StandardCharsets.UTF_8);
    }

    private Map<String, Object> event(String title) {
        Instant start = Instant.now().plus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        return Map.of("title", title, "startsAt", start.toString(), "endsAt", start.plus(2, ChronoUnit.HOURS).toString(),
                "timeZone", "Europe/Paris");
    }

    @Test
    void anArchivedCommunityRefusesEveryNewWriteWith409AndStaysReadable() {
        User owner = api.user("Hana Owner");
        User member = api.user("Milo Member");
        User invitee = api.user("Ines Invitee");
        api.verifyEmail(invitee, db.jdbi());
        User newcomer = api.user("Nora Newcomer");
        UUID club = api.community(owner, "Harmonie de Corbeil", "public", "open");
        String base = "/api/communities/" + club;
        assertThat(api.call("POST", base + "/join", member.token(), null).status()).isEqualTo(201);
        String eventId = id(api.call("POST", base + "/events", owner.token(), event("Concert de printemps")));
        String draftId = id(api.call("POST", base + "/news", owner.token(), Map.of("title", "Brouillon")));
        String letterId = id(api.call("POST", base + "/newsletters", owner.token(), Map.of("subject", "Lettre", "body", "Bonjour")));
        String tierId = id(api.call("POST", base + "/dues/tiers", owner.token(),
                Map.of("name", "Adulte", "amount", 4000, "currency", "eur", "period", "rolling_year")));
        assertThat(api.call("POST", base + "/invitations", owner.token(), Map.of("email", invitee.email())).status()).isEqualTo(201);
        db.jdbi().useHandle(h -> h.execute("INSERT INTO stripe_connect_accounts (community_id, account_id, charges_enabled) "
                + "VALUES (?, 'acct_archive1', true)", club));

        ApiReply archived = api.call("POST", base + "/archive", owner.token(), null);
        assertThat(archived.status()).as(archived.body().toString()).isEqualTo(200);
        assertThat(archived.body().get("archivedAt").isTextual()).isTrue();
        assertThat(archived.body().get("deletionDueAt").isNull()).isTrue();
        String before = state(club);

        Map<String, ApiReply> refused = new LinkedHashMap<>();
        refused.put("join", api.call("POST", base + "/join", newcomer.token(), null));
        refused.put("event", api.call("POST", base + "/events", owner.token(), event("Concert d'été")));
        refused.put("registration", api.call("POST", "/api/events/" + eventId + "/registrations", member.token(), Map.of()));
        refused.put("news", api.call("POST", base + "/news", owner.token(), Map.of("title", "Nouvelle")));
        refused.put("publish draft", api.call("POST", base + "/news/" + draftId + "/publish", owner.token(), null));
        refused.put("newsletter", api.call("POST", base + "/newsletters", owner.token(), Map.of("subject", "Autre", "body", "Texte")));
        refused.put("send draft newsletter", api.call("POST", base + "/newsletters/" + letterId + "/send", owner.token(), null));
        refused.put("invitation", api.call("POST", base + "/invitations", owner.token(), Map.of("email", newcomer.email())));
        refused.put("accept invitation", api.call("POST", "/api/invitations/accept", invitee.token(),
                Map.of("token", invitationToken(invitee.email()))));
        refused.put("manual dues payment", api.call("POST", base + "/payments/manual", owner.token(),
                Map.of("accountId", member.id().toString(), "tierId", tierId, "method", "cash", "clientReference", "cash-1")));
        refused.put("dues checkout", api.call("POST", base + "/dues/checkout", member.token(), Map.of("tierId", tierId)));
        refused.put("settings", api.call("PATCH", "/api/communities/" + club, owner.token(), Map.of("name", "Renamed")));
        refused.forEach((what, r) -> assertThat(r.status() + " " + r.code()).as(what + ": " + r.body())
                .isEqualTo("409 community_archived"));
        assertThat(state(club)).isEqualTo(before);

        // Pages stay readable, to anyone for a public community and to members.
        ApiReply page = api.get("/api/communities/" + club, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body().get("archivedAt").isTextual()).isTrue();
        assertThat(api.get(base + "/events", member.token()).status()).isEqualTo(200);
        assertThat(api.get(base + "/news", member.token()).status()).isEqualTo(200);

        // Unarchived: writable again.
        ApiReply back = api.call("POST", base + "/unarchive", owner.token(), null);
        assertThat(back.status()).isEqualTo(200);
        assertThat(back.body().get("archivedAt").isNull()).isTrue();
        assertThat(api.call("POST", base + "/news", owner.token(), Map.of("title", "De retour")).status()).isEqualTo(201);
        assertThat(api.call("POST", base + "/join", newcomer.token(), null).status()).isEqualTo(201);
    }

    @Test
    void onlyOwnersArchiveTheirOwnCommunityAndTwiceIsAConflict() {
        User owner = api.user("Omar Owner");
        User admin = api.user("Alba Admin");
        User member = api.user("Max Member");
        User stranger = api.user("Sven Stranger");
        UUID club = api.community(owner, "Judo Club", "public", "open");
        UUID strangers = api.community(stranger, "Karate Club", "public", "open");
        for (User u : new User[] {admin, member}) {
            assertThat(api.call("POST", "/api/communities/" + club + "/join", u.token(), null).status()).isEqualTo(201);
        }
        assertThat(api.call("PATCH", "/api/communities/" + club + "/members/" + admin.id(), owner.token(),
                Map.of("role", "admin")).status()).isEqualTo(200);
        String before = state(club) + "|" + state(strangers);

        Map<String, String> got = new LinkedHashMap<>();
        for (String action : new String[] {"archive", "unarchive"}) {
            got.put(action + " admin", code(api.call("POST", "/api/communities/" + club + "/" + action, admin.token(), null)));
            got.put(action + " member", code(api.call("POST", "/api/communities/" + club + "/" + action, member.token(), null)));
            got.put(action + " outsider", code(api.call("POST", "/api/communities/" + club + "/" + action, stranger.token(), null)));
            got.put(action + " another community", code(api.call("POST", "/api/communities/" + strangers + "/" + action, owner.token(), null)));
            got.put(action + " unknown", code(api.call("POST", "/api/communities/" + UUID.randomUUID() + "/" + action, owner.token(), null)));
            got.put(action + " signed out", code(api.call("POST", "/api/communities/" + club + "/" + action, null, null)));
        }
        got.put("unarchive not archived", code(api.call("POST", "/api/communities/" + club + "/unarchive", owner.token(), null)));
        assertThat(state(club) + "|" + state(strangers)).isEqualTo(before);
        long archived = db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT count(*) FROM communities WHERE archived_at IS NOT NULL AND id IN (:a, :b)")
                .bind("a", club).bind("b", strangers).mapTo(Long.class).one());
        assertThat(archived).isZero();
        assertThat(api.call("POST", "/api/communities/" + club + "/archive", owner.token(), null).status()).isEqualTo(200);
        got.put("archive twice", code(api.call("POST", "/api/communities/" + club + "/archive", owner.token(), null)));

        assertThat(got).containsExactly(
                Map.entry("archive admin", "403 forbidden"), Map.entry("archive member", "403 forbidden"),
                Map.entry("archive outsider", "404 community_not_found"),
                Map.entry("archive another community", "404 community_not_found"),
                Map.entry("archive unknown", "404 community_not_found"), Map.entry("archive signed out", "401 unauthorized"),
                Map.entry("unarchive admin", "403 forbidden"), Map.entry("unarchive member", "403 forbidden"),
                Map.entry("unarchive outsider", "404 community_not_found"),
                Map.entry("unarchive another community", "404 community_not_found"),
                Map.entry("unarchive unknown", "404 community_not_found"), Map.entry("unarchive signed out", "401 unauthorized"),
                Map.entry("unarchive not archived", "409 not_archived"),
                Map.entry("archive twice", "409 already_archived"));
    }

    /** Whether a backend other than {@code holder}'s waits for a lock {@code holder} holds. */
    private boolean blockedBy(Handle holder) {
        int pid = holder.createQuery("SELECT pg_backend_pid()").mapTo(Integer.class).one();
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT count(*) > 0 FROM pg_stat_activity WHERE :pid = ANY (pg_blocking_pids(pid))")
                .bind("pid", pid).mapTo(Boolean.class).one());
    }

    private long posts(UUID community, String title) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM news_posts WHERE community_id = :c AND title = :t")
                .bind("c", community).bind("t", title).mapTo(Long.class).one());
    }

    /**
     * V31: a write racing the archive either lands before it or is refused. Two connections: the test's own holds
     * the archive (or the write) open in a transaction while the API's write (or archive) comes in; the API's
     * call must wait for it (seen in pg_blocking_pids), then answer as the order decided.
     */
    @Test
    void aWriteRacingTheArchiveLandsBeforeItOrIsRefused() throws Exception {
        User owner = api.user("Rita Racer");
        UUID id = api.community(owner, "Club de la course", "public", "open");
        String base = "/api/communities/" + id;

        // 1. The archive holds the row (as CommunityLife.archive does: FOR UPDATE, then the update), not committed.
        try (Handle archive = db.jdbi().open()) {
            archive.begin();
            archive.createQuery("SELECT id FROM communities WHERE id = :id FOR UPDATE").bind("id", id).mapTo(UUID.class).one();
            archive.createUpdate("UPDATE communities SET archived_at = now(), updated_at = now() WHERE id = :id").bind("id", id).execute();
            CompletableFuture<ApiReply> write = CompletableFuture.supplyAsync(() ->
                    api.call("POST", base + "/news", owner.token(), Map.of("title", "Pendant l'archivage")));
            await().atMost(java.time.Duration.ofSeconds(30)).until(() -> blockedBy(archive));
            assertThat(write).as("the write waits for the archive").isNotDone();
            archive.commit();
            ApiReply refused = write.get(30, TimeUnit.SECONDS);
            assertThat(code(refused)).as("read after the archive committed").isEqualTo("409 community_archived");
        }
        assertThat(posts(id, "Pendant l'archivage")).isZero();
        assertThat(api.call("POST", base + "/unarchive", owner.token(), null).status()).isEqualTo(200);

        // 2. The write holds its row (inserted, not committed): the API's archive waits, and the write lands before it.
        try (Handle write = db.jdbi().open()) {
            write.begin();
            write.createUpdate("INSERT INTO news_posts (id, community_id, author_id, title) VALUES (:id, :c, :a, 'Avant l''archivage')")
                    .bind("id", UUID.randomUUID()).bind("c", id).bind("a", owner.id()).execute();
            CompletableFuture<ApiReply> archived = CompletableFuture.supplyAsync(() -> api.call("POST", base + "/archive", owner.token(), null));
            await().atMost(java.time.Duration.ofSeconds(30)).until(() -> blockedBy(write));
            assertThat(archived).as("the archive waits for the write").isNotDone();
            write.commit();
            assertThat(archived.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        assertThat(posts(id, "Avant l'archivage")).isOne();
        assertThat(code(api.call("POST", base + "/news", owner.token(), Map.of("title", "Après")))).isEqualTo("409 community_archived");
    }

    private static String code(ApiReply r) {
        return r.status() + " " + r.code();
    }
}
