package com.koomy.api.newsletters;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 20 as an admin and members live it, through the HTTP API: compose, preview, test, send to a
 * segment; members receive (read in the operators' outbox, headers included); one unsubscribes with the
 * received link and no sign-in; the next newsletter skips them while their transactional mail still goes;
 * they resubscribe; plain members and other communities' admins are refused; bad input changes nothing.
 */
class NewslettersIntegrationTest {

    private static final String SECRET = "unsubscribe-test-secret-" + UUID.randomUUID();
    private static final String OPS_TOKEN = "ops-token-newsletters-" + UUID.randomUUID();
    private static final String PUBLIC_URL = "https://koomy.test";

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("unsubscribeSecret", SECRET),
            ConfigOverride.config("opsToken", OPS_TOKEN),
            ConfigOverride.config("publicUrl", PUBLIC_URL),
            // The free plan, with room for this class's sends and a limit the last test reaches.
            ConfigOverride.config("payments.plans[0].newslettersPerMonth", "6"),
            ConfigOverride.config("payments.plans[0].newsletterAudience", "3"));

    private static ApiCalls api;
    private static NewsletterDelivery worker;
    private static User owner;
    private static User ada;
    private static User bob;
    private static User stranger;
    private static UUID community;
    private static UUID otherCommunity;

    @BeforeAll
    static void world() {
        api = new ApiCalls(() -> app.getLocalPort());
        worker = new NewsletterDelivery(db.jdbi(), PUBLIC_URL, SECRET);
        owner = api.user("Olga Owner");
        ada = api.user("Ada Member");
        bob = api.user("Bob Member");
        stranger = api.user("Sam Stranger");
        community = api.community(owner, "Chess Club " + UUID.randomUUID().toString().substring(0, 6), "public", "open");
        otherCommunity = api.community(stranger, "Other Club " + UUID.randomUUID().toString().substring(0, 6), "public", "open");
        assertThat(api.call("POST", "/api/communities/" + community + "/join", ada.token(), null).status()).isEqualTo(201);
        assertThat(api.call("POST", "/api/communities/" + community + "/join", bob.token(), null).status()).isEqualTo(201);
    }

    private static String base() {
        return "/api/communities/" + community + "/newsletters";
    }

    private static UUID draft(String subject, String body, String segment) {
        ApiReply created = api.call("POST", base(), owner.token(), Map.of("subject", subject, "body", body, "segment", segment));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        assertThat(created.body().get("status").asText()).isEqualTo("draft");
        return UUID.fromString(created.body().get("id").asText());
    }

    private static JsonNode sendNow(UUID id) throws Exception {
        ApiReply sent = api.call("POST", base() + "/" + id + "/send", owner.token(), Map.of());
        assertThat(sent.status()).as(sent.body().toString()).isEqualTo(202);
        assertThat(sent.body().get("status").asText()).isEqualTo("queued");
        worker.drain();
        ApiReply after = api.get(base() + "/" + id, owner.token());
        assertThat(after.status()).isEqualTo(200);
        return after.body();
    }

    /** Every recipient of the newsletter's batches, as the operators' outbox lists them, with their headers. */
    private static Map<String, JsonNode> received(UUID newsletterId) {
        ApiReply outbox = api.get("/api/ops/outbox?limit=200", OPS_TOKEN);
        assertThat(outbox.status()).isEqualTo(200);
        Map<String, JsonNode> byAddress = new java.util.HashMap<>();
        for (JsonNode email : outbox.body().get("items")) {
            if (newsletterId.toString().equals(email.path("newsletterId").asText())) {
                assertThat(email.get("status").asText()).isEqualTo("sent");
                for (JsonNode h : email.get("headers")) {
                    byAddress.put(h.get("email").asText(), h.get("headers"));
                }
            }
        }
        return byAddress;
    }

    private static String unsubscribeLink(JsonNode headers) {
        String value = headers.get("List-Unsubscribe").asText();
        int start = value.indexOf("<https://");
        return value.substring(start + 1, value.indexOf('>', start));
    }

    @Test
    void anAdminSendsAMemberUnsubscribesInOneClickTheNextNewsletterSkipsThemAndTheyResubscribe() throws Exception {
        UUID first = draft("Spring tournament", "**Hello** members!\n\n<script>alert(1)</script>\n\n[site](javascript:evil) [home](https://example.org)", "all");

        ApiReply preview = api.get(base() + "/" + first + "/preview", owner.token());
        assertThat(preview.status()).isEqualTo(200);
        assertThat(preview.body().get("subject").asText()).isEqualTo("Spring tournament");
        assertThat(preview.body().get("html").asText()).contains("<strong>Hello</strong>").contains("&lt;script&gt;")
                .doesNotContain("<script>").doesNotContain("href=\"javascript").contains("href=\"https://example.org\"");
        assertThat(preview.body().get("text").asText()).contains("Hello members!");
        assertThat(preview.body().get("audience").asLong()).isEqualTo(3);

        assertThat(api.call("POST", base() + "/" + first + "/test", owner.token(), null).status()).isEqualTo(202);
        worker.drain();
        String testSubject = db.jdbi().withHandle(h -> h.createQuery(
                "SELECT subject FROM emails WHERE idempotency_key LIKE 'newsletter-test:' || :id || ':%'")
                .bind("id", first.toString()).mapTo(String.class).one());
        assertThat(testSubject).isEqualTo("[TEST] Spring tournament");

        JsonNode sent = sendNow(first);
        assertThat(sent.get("status").asText()).isEqualTo("sent");
        assertThat(sent.get("stats").get("recipients").asInt()).isEqualTo(3);
        assertThat(sent.get("stats").get("batchesDone").asInt()).isEqualTo(1);
        assertThat(sent.get("stats").get("batchesTotal").asInt()).isEqualTo(1);

        Map<String, JsonNode> got = received(first);
        assertThat(got.keySet()).containsExactlyInAnyOrder(owner.email(), ada.email(), bob.email());
        JsonNode adaHeaders = got.get(ada.email());
        assertThat(adaHeaders.get("List-Unsubscribe").asText()).startsWith("<mailto:").contains("<" + PUBLIC_URL + "/api/unsubscribe?token=");
        assertThat(adaHeaders.get("List-Unsubscribe-Post").asText()).isEqualTo("List-Unsubscribe=One-Click");
        assertThat(unsubscribeLink(adaHeaders)).isNotEqualTo(unsubscribeLink(got.get(bob.email())));

        // The link, as Ada's mail client uses it: no sign-in. The page first (it changes nothing), then one click.
        URI link = URI.create(unsubscribeLink(adaHeaders));
        String path = link.getRawPath() + "?" + link.getRawQuery();
        ApiReply page = api.send("GET", path, null, "text/plain", new byte[0]);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body().get("text").asText()).contains("Chess Club").contains("method=\"post\"");
        assertThat(api.get("/api/me/communities/" + community + "/subscriptions", ada.token()).body().get("newsletters").asBoolean())
                .isTrue();
        ApiReply tampered = api.send("POST", path.replace("token=", "token=x"), null, "application/x-www-form-urlencoded",
                "List-Unsubscribe=One-Click".getBytes(StandardCharsets.UTF_8));
        assertThat(tampered.status()).isEqualTo(400);
        assertThat(tampered.code()).isEqualTo("invalid_token");
        ApiReply oneClick = api.send("POST", path, null, "application/x-www-form-urlencoded",
                "List-Unsubscribe=One-Click".getBytes(StandardCharsets.UTF_8));
        assertThat(oneClick.status()).as(oneClick.body().toString()).isEqualTo(200);
        assertThat(oneClick.body().get("unsubscribed").asBoolean()).isTrue();
        assertThat(api.get("/api/me/communities/" + community + "/subscriptions", ada.token()).body().get("newsletters").asBoolean())
                .isFalse();
        assertThat(api.get(base() + "/" + first, owner.token()).body().get("stats").get("unsubscribed").asInt()).isEqualTo(1);

        // The next newsletter skips her; the preview's count already does.
        UUID second = draft("Results", "We won.", "all");
        assertThat(api.get(base() + "/" + second + "/preview", owner.token()).body().get("audience").asLong()).isEqualTo(2);
        JsonNode secondSent = sendNow(second);
        assertThat(received(second).keySet()).containsExactlyInAnyOrder(owner.email(), bob.email());
        assertThat(secondSent.get("stats").get("recipients").asInt()).isEqualTo(2);
        assertThat(secondSent.get("stats").get("suppressed").asInt()).isEqualTo(1);

        // Her transactional mail still goes.
        assertThat(api.call("POST", "/api/auth/password-reset", null, Map.of("email", ada.email())).status()).isLessThan(300);
        worker.drain();
        String reset = db.jdbi().withHandle(h -> h.createQuery("""
                SELECT status FROM emails WHERE template = 'password_reset' AND recipients -> 0 ->> 'email' = :email
                """).bind("email", ada.email()).mapTo(String.class).one());
        assertThat(reset).isEqualTo("sent");

        // She resubscribes from the app; the third newsletter reaches her again.
        ApiReply resubscribed = api.call("PUT", "/api/me/communities/" + community + "/subscriptions", ada.token(),
                Map.of("newsletters", true));
        assertThat(resubscribed.status()).isEqualTo(200);
        assertThat(resubscribed.body().get("newsletters").asBoolean()).isTrue();
        UUID third = draft("Next season", "Sign up.", "all");
        sendNow(third);
        assertThat(received(third).keySet()).contains(ada.email());
        assertThat(api.call("PUT", "/api/me/communities/" + otherCommunity + "/subscriptions", ada.token(),
                Map.of("newsletters", true)).status()).isEqualTo(404);
    }

    @Test
    void segmentsAreCountedAtSendTime() throws Exception {
        UUID admins = draft("Board meeting", "Agenda.", "admins");
        assertThat(api.get(base() + "/" + admins + "/preview", owner.token()).body().get("audience").asLong()).isEqualTo(1);
        UUID paid = draft("Thanks for paying", "Thanks.", "dues_paid");
        UUID overdue = draft("Dues reminder", "Please pay.", "dues_overdue");
        db.jdbi().useHandle(h -> h.createUpdate("""
                UPDATE memberships SET dues_paid_until = current_date + 30 WHERE community_id = :c AND account_id = :a
                """).bind("c", community).bind("a", bob.id()).execute());
        assertThat(api.get(base() + "/" + paid + "/preview", owner.token()).body().get("audience").asLong()).isEqualTo(1);
        assertThat(api.get(base() + "/" + overdue + "/preview", owner.token()).body().get("audience").asLong()).isEqualTo(2);
        JsonNode sent = sendNow(paid);
        assertThat(received(paid).keySet()).containsExactly(bob.email());
        assertThat(sent.get("segment").asText()).isEqualTo("dues_paid");
        ApiReply noEvent = api.call("POST", base(), owner.token(), Map.of("subject", "Event", "body", "Come.", "segment", "event"));
        assertThat(noEvent.status()).isEqualTo(400);
        assertThat(noEvent.code()).isEqualTo("invalid_eventId");
    }

    @Test
    void plainMembersAndOtherCommunitiesAdminsAreRefused() {
        UUID id = draft("Private", "Draft.", "all");
        List<String[]> routes = List.of(new String[]{"POST", base()}, new String[]{"GET", base()},
                new String[]{"GET", base() + "/" + id}, new String[]{"PATCH", base() + "/" + id},
                new String[]{"GET", base() + "/" + id + "/preview"}, new String[]{"POST", base() + "/" + id + "/test"},
                new String[]{"POST", base() + "/" + id + "/send"}, new String[]{"POST", base() + "/" + id + "/cancel"});
        List<String> wrong = new ArrayList<>();
        for (String[] r : routes) {
            Object body = r[0].equals("GET") ? null : Map.of("subject", "Hijacked");
            ApiReply member = api.call(r[0], r[1], ada.token(), r[1].endsWith("/send") ? Map.of() : body);
            ApiReply outsider = api.call(r[0], r[1], stranger.token(), r[1].endsWith("/send") ? Map.of() : body);
            ApiReply anonymous = api.call(r[0], r[1], null, body);
            if (member.status() != 403 || outsider.status() != 404 || anonymous.status() != 401) {
                wrong.add(r[0] + " " + r[1] + ": member " + member.status() + ", outsider " + outsider.status()
                        + ", anonymous " + anonymous.status());
            }
        }
        assertThat(wrong).isEmpty();
        // The other community's owner cannot reach this newsletter through their own community either.
        assertThat(api.get("/api/communities/" + otherCommunity + "/newsletters/" + id, stranger.token()).status()).isEqualTo(404);
        ApiReply still = api.get(base() + "/" + id, owner.token());
        assertThat(still.body().get("subject").asText()).isEqualTo("Private");
        assertThat(still.body().get("status").asText()).isEqualTo("draft");
    }

    @Test
    void badInputIsAJsonErrorNamingTheFieldAndChangesNothing() {
        long before = count();
        ApiReply blank = api.call("POST", base(), owner.token(), Map.of("subject", "   ", "body", "Text."));
        assertThat(blank.status()).isEqualTo(400);
        assertThat(blank.code()).isEqualTo("invalid_subject");
        assertThat(blank.body().get("error").get("message").asText()).contains("subject");
        ApiReply segment = api.call("POST", base(), owner.token(), Map.of("subject", "S", "body", "B", "segment", "vips"));
        assertThat(segment.status()).isEqualTo(400);
        assertThat(segment.body().toString()).contains("segment");
        ApiReply type = api.call("POST", base(), owner.token(), "{\"subject\": \"S\", \"body\": \"B\", \"segment\": [\"all\"]}");
        assertThat(type.status()).isEqualTo(400);
        assertThat(type.body().toString()).contains("segment");
        ApiReply unknown = api.call("POST", base(), owner.token(), Map.of("subject", "S", "body", "B", "audience", "all"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(count()).isEqualTo(before);

        UUID id = draft("Later", "Text.", "all");
        ApiReply past = api.call("POST", base() + "/" + id + "/send", owner.token(), Map.of("at", "2020-01-01T00:00:00Z"));
        assertThat(past.status()).isEqualTo(400);
        assertThat(past.code()).isEqualTo("invalid_at");
        ApiReply notAnInstant = api.call("POST", base() + "/" + id + "/send", owner.token(), "{\"at\": \"tomorrow\"}");
        assertThat(notAnInstant.status()).isEqualTo(400);
        assertThat(notAnInstant.body().toString()).contains("at");
        ApiReply wrongType = api.call("POST", base() + "/" + id + "/send", owner.token(), "{\"at\": true}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(api.get(base() + "/" + id, owner.token()).body().get("status").asText()).isEqualTo("draft");
        assertThat(outboxRows(id)).isZero();
    }

    @Test
    void aScheduledNewsletterIsCancelledBeforeItStartsButNotAfter() throws Exception {
        UUID id = draft("Scheduled", "Text.", "all");
        Instant at = Instant.now().plusSeconds(3600);
        ApiReply scheduled = api.call("POST", base() + "/" + id + "/send", owner.token(), Map.of("at", at.toString()));
        assertThat(scheduled.status()).isEqualTo(202);
        assertThat(scheduled.body().get("status").asText()).isEqualTo("scheduled");
        assertThat(Instant.parse(scheduled.body().get("sendAt").asText()).getEpochSecond()).isEqualTo(at.getEpochSecond());
        ApiReply again = api.call("PATCH", base() + "/" + id, owner.token(), Map.of("subject", "Changed"));
        assertThat(again.status()).isEqualTo(409);
        ApiReply cancelled = api.call("POST", base() + "/" + id + "/cancel", owner.token(), null);
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.body().get("status").asText()).isEqualTo("cancelled");
        worker.drainIncludingEarly(); // the scheduled job, were it to run now, finds it cancelled
        assertThat(received(id)).isEmpty();

        UUID sentOne = draft("Gone", "Text.", "admins");
        sendNow(sentOne);
        ApiReply late = api.call("POST", base() + "/" + sentOne + "/cancel", owner.token(), null);
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.code()).isEqualTo("newsletter_already_started");
        assertThat(late.body().get("error").get("message").asText()).contains("sent");
    }

    @Test
    void aScheduledNewsletterGoesOutAtItsTimeAndNotBefore() throws Exception {
        // A community of its own: this class's sends in the shared one use up its plan's monthly newsletters.
        User founder = api.user("Tia Timer");
        UUID club = api.community(founder, "Timed Club " + UUID.randomUUID().toString().substring(0, 6), "public", "open");
        String path = "/api/communities/" + club + "/newsletters";
        UUID id = UUID.fromString(api.call("POST", path, founder.token(), Map.of("subject", "At its time", "body", "Soon.",
                "segment", "admins")).body().get("id").asText());
        Instant at = Instant.now().plusSeconds(3);
        ApiReply scheduled = api.call("POST", path + "/" + id + "/send", founder.token(), Map.of("at", at.toString()));
        assertThat(scheduled.status()).as(scheduled.body().toString()).isEqualTo(202);
        assertThat(scheduled.body().get("status").asText()).isEqualTo("scheduled");

        worker.drain();
        assertThat(received(id)).as("nothing before its time").isEmpty();
        assertThat(api.get(path + "/" + id, founder.token()).body().get("status").asText()).isEqualTo("scheduled");

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
            worker.drain();
            return received(id).containsKey(founder.email());
        });
        JsonNode sent = api.get(path + "/" + id, founder.token()).body();
        assertThat(sent.get("status").asText()).isEqualTo("sent");
        assertThat(Instant.parse(sent.get("sentAt").asText())).isAfterOrEqualTo(at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(sent.at("/stats/recipients").asInt()).isEqualTo(1);
    }

    @Test
    void planLimitsAreClearErrorsAndChangeNothing() {
        User founder = api.user("Fay Founder");
        UUID club = api.community(founder, "Small Club " + UUID.randomUUID().toString().substring(0, 6), "public", "open");
        String path = "/api/communities/" + club + "/newsletters";
        for (int i = 0; i < 3; i++) {
            User member = api.user("Member " + (char) ('A' + i));
            assertThat(api.call("POST", "/api/communities/" + club + "/join", member.token(), null).status()).isEqualTo(201);
        }
        UUID tooMany = UUID.fromString(api.call("POST", path, founder.token(), Map.of("subject", "All", "body", "B"))
                .body().get("id").asText());
        ApiReply audience = api.call("POST", path + "/" + tooMany + "/send", founder.token(), Map.of());
        assertThat(audience.status()).isEqualTo(402);
        assertThat(audience.code()).isEqualTo("plan_limit_reached");
        assertThat(audience.body().get("error").get("message").asText()).contains("at most 3 recipients").contains("has 4");
        assertThat(api.get(path + "/" + tooMany, founder.token()).body().get("status").asText()).isEqualTo("draft");
        for (int i = 0; i < 6; i++) {
            UUID id = UUID.fromString(api.call("POST", path, founder.token(), Map.of("subject", "Admins " + i, "body", "B",
                    "segment", "admins")).body().get("id").asText());
            ApiReply sent = api.call("POST", path + "/" + id + "/send", founder.token(), Map.of());
            if (sent.status() != 202) {
                throw new AssertionError("send " + i + ": " + sent.body());
            }
        }
        UUID seventh = UUID.fromString(api.call("POST", path, founder.token(), Map.of("subject", "One more", "body", "B",
                "segment", "admins")).body().get("id").asText());
        ApiReply limit = api.call("POST", path + "/" + seventh + "/send", founder.token(), Map.of());
        assertThat(limit.status()).isEqualTo(402);
        assertThat(limit.code()).isEqualTo("plan_limit_reached");
        assertThat(limit.body().get("error").get("message").asText()).contains("6 newsletters per month");
        assertThat(api.get(path + "/" + seventh, founder.token()).body().get("status").asText()).isEqualTo("draft");
    }

    private static long count() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM newsletters").mapTo(Long.class).one());
    }

    private static long outboxRows(UUID newsletterId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM outbox WHERE kind = 'newsletter' AND ref LIKE :id || '%'")
                .bind("id", newsletterId.toString()).mapTo(Long.class).one());
    }
}
