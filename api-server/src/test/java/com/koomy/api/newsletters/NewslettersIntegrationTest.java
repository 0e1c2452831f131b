package com.koomy.api.newsletters;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls.User;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 20 as an admin and members live it, through the HTTP API: compose, preview, test, send to a
 * segment; members receive (read in the operators' outbox, headers included); one unsubscribes with the
 * received link and no sign-in; the next newsletter skips them while their transactional mail still goes;
 * they resubscribe; segments are counted at send time; a scheduled newsletter goes out at its time or is cancelled.
 */
class NewslettersIntegrationTest {

    @RegisterExtension
    static NewsletterWorld world = new NewsletterWorld();

    @Test
    void anAdminSendsAMemberUnsubscribesInOneClickTheNextNewsletterSkipsThemAndTheyResubscribe() throws Exception {
        UUID first = world.draft("Spring tournament", "**Hello** members!\n\n<script>alert(1)</script>\n\n[site](javascript:evil) [home](https://example.org)", "all");

        ApiReply preview = world.api.get(world.base() + "/" + first + "/preview", world.owner.token());
        assertThat(preview.status()).isEqualTo(200);
        assertThat(preview.body().get("subject").asText()).isEqualTo("Spring tournament");
        assertThat(preview.body().get("html").asText()).contains("<strong>Hello</strong>").contains("&lt;script&gt;")
                .doesNotContain("<script>").doesNotContain("href=\"javascript").contains("href=\"https://example.org\"");
        assertThat(preview.body().get("text").asText()).contains("Hello members!");
        assertThat(preview.body().get("audience").asLong()).isEqualTo(3);

        assertThat(world.api.call("POST", world.base() + "/" + first + "/test", world.owner.token(), null).status()).isEqualTo(202);
        world.worker.drain();
        String testSubject = world.db.jdbi().withHandle(h -> h.createQuery(
                "SELECT subject FROM emails WHERE idempotency_key LIKE 'newsletter-test:' || :id || ':%'")
                .bind("id", first.toString()).mapTo(String.class).one());
        assertThat(testSubject).isEqualTo("[TEST] Spring tournament");

        JsonNode sent = world.sendNow(first);
        assertThat(sent.get("status").asText()).isEqualTo("sent");
        assertThat(sent.get("stats").get("recipients").asInt()).isEqualTo(3);
        assertThat(sent.get("stats").get("batchesDone").asInt()).isEqualTo(1);
        assertThat(sent.get("stats").get("batchesTotal").asInt()).isEqualTo(1);

        Map<String, JsonNode> got = world.received(first);
        assertThat(got.keySet()).containsExactlyInAnyOrder(world.owner.email(), world.ada.email(), world.bob.email());
        JsonNode adaHeaders = got.get(world.ada.email());
        assertThat(adaHeaders.get("List-Unsubscribe").asText()).startsWith("<mailto:").contains("<" + NewsletterWorld.PUBLIC_URL + "/api/unsubscribe?token=");
        assertThat(adaHeaders.get("List-Unsubscribe-Post").asText()).isEqualTo("List-Unsubscribe=One-Click");
        assertThat(NewsletterWorld.unsubscribeLink(adaHeaders)).isNotEqualTo(NewsletterWorld.unsubscribeLink(got.get(world.bob.email())));

        // The link, as Ada's mail client uses it: no sign-in. The page first (it changes nothing), then one click.
        URI link = URI.create(NewsletterWorld.unsubscribeLink(adaHeaders));
        String path = link.getRawPath() + "?" + link.getRawQuery();
        ApiReply page = world.api.send("GET", path, null, "text/plain", new byte[0]);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body().get("text").asText()).contains("Chess Club").contains("method=\"post\"");
        assertThat(world.api.get("/api/me/communities/" + world.community + "/subscriptions", world.ada.token()).body().get("newsletters").asBoolean())
                .isTrue();
        ApiReply tampered = world.api.send("POST", path.replace("token=", "token=x"), null, "application/x-www-form-urlencoded",
                "List-Unsubscribe=One-Click".getBytes(StandardCharsets.UTF_8));
        assertThat(tampered.status()).isEqualTo(400);
        assertThat(tampered.code()).isEqualTo("invalid_token");
        ApiReply oneClick = world.api.send("POST", path, null, "application/x-www-form-urlencoded",
                "List-Unsubscribe=One-Click".getBytes(StandardCharsets.UTF_8));
        assertThat(oneClick.status()).as(oneClick.body().toString()).isEqualTo(200);
        assertThat(oneClick.body().get("unsubscribed").asBoolean()).isTrue();
        assertThat(world.api.get("/api/me/communities/" + world.community + "/subscriptions", world.ada.token()).body().get("newsletters").asBoolean())
                .isFalse();
        assertThat(world.api.get(world.base() + "/" + first, world.owner.token()).body().get("stats").get("unsubscribed").asInt()).isEqualTo(1);

        // The next newsletter skips her; the preview's count already does.
        UUID second = world.draft("Results", "We won.", "all");
        assertThat(world.api.get(world.base() + "/" + second + "/preview", world.owner.token()).body().get("audience").asLong()).isEqualTo(2);
        JsonNode secondSent = world.sendNow(second);
        assertThat(world.received(second).keySet()).containsExactlyInAnyOrder(world.owner.email(), world.bob.email());
        assertThat(secondSent.get("stats").get("recipients").asInt()).isEqualTo(2);
        assertThat(secondSent.get("stats").get("suppressed").asInt()).isEqualTo(1);

        // Her transactional mail still goes.
        assertThat(world.api.call("POST", "/api/auth/password-reset", null, Map.of("email", world.ada.email())).status()).isLessThan(300);
        world.worker.drain();
        String reset = world.db.jdbi().withHandle(h -> h.createQuery("""
                SELECT status FROM emails WHERE template = 'password_reset' AND recipients -> 0 ->> 'email' = :email
                """).bind("email", world.ada.email()).mapTo(String.class).one());
        assertThat(reset).isEqualTo("sent");

        // She resubscribes from the app; the third newsletter reaches her again.
        ApiReply resubscribed = world.api.call("PUT", "/api/me/communities/" + world.community + "/subscriptions", world.ada.token(),
                Map.of("newsletters", true));
        assertThat(resubscribed.status()).isEqualTo(200);
        assertThat(resubscribed.body().get("newsletters").asBoolean()).isTrue();
        UUID third = world.draft("Next season", "Sign up.", "all");
        world.sendNow(third);
        assertThat(world.received(third).keySet()).contains(world.ada.email());
        assertThat(world.api.call("PUT", "/api/me/communities/" + world.otherCommunity + "/subscriptions", world.ada.token(),
                Map.of("newsletters", true)).status()).isEqualTo(404);
    }

    @Test
    void segmentsAreCountedAtSendTime() throws Exception {
        UUID admins = world.draft("Board meeting", "Agenda.", "admins");
        assertThat(world.api.get(world.base() + "/" + admins + "/preview", world.owner.token()).body().get("audience").asLong()).isEqualTo(1);
        UUID paid = world.draft("Thanks for paying", "Thanks.", "dues_paid");
        UUID overdue = world.draft("Dues reminder", "Please pay.", "dues_overdue");
        world.db.jdbi().useHandle(h -> h.createUpdate("""
                UPDATE memberships SET dues_paid_until = current_date + 30 WHERE community_id = :c AND account_id = :a
                """).bind("c", world.community).bind("a", world.bob.id()).execute());
        assertThat(world.api.get(world.base() + "/" + paid + "/preview", world.owner.token()).body().get("audience").asLong()).isEqualTo(1);
        assertThat(world.api.get(world.base() + "/" + overdue + "/preview", world.owner.token()).body().get("audience").asLong()).isEqualTo(2);
        JsonNode sent = world.sendNow(paid);
        assertThat(world.received(paid).keySet()).containsExactly(world.bob.email());
        assertThat(sent.get("segment").asText()).isEqualTo("dues_paid");
        ApiReply noEvent = world.api.call("POST", world.base(), world.owner.token(), Map.of("subject", "Event", "body", "Come.", "segment", "event"));
        assertThat(noEvent.status()).isEqualTo(400);
        assertThat(noEvent.code()).isEqualTo("invalid_eventId");
    }

    @Test
    void aScheduledNewsletterIsCancelledBeforeItStartsButNotAfter() throws Exception {
        UUID id = world.draft("Scheduled", "Text.", "all");
        Instant at = Instant.now().plusSeconds(3600);
        ApiReply scheduled = world.api.call("POST", world.base() + "/" + id + "/send", world.owner.token(), Map.of("at", at.toString()));
        assertThat(scheduled.status()).isEqualTo(202);
        assertThat(scheduled.body().get("status").asText()).isEqualTo("scheduled");
        assertThat(Instant.parse(scheduled.body().get("sendAt").asText()).getEpochSecond()).isEqualTo(at.getEpochSecond());
        ApiReply again = world.api.call("PATCH", world.base() + "/" + id, world.owner.token(), Map.of("subject", "Changed"));
        assertThat(again.status()).isEqualTo(409);
        ApiReply cancelled = world.api.call("POST", world.base() + "/" + id + "/cancel", world.owner.token(), null);
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.body().get("status").asText()).isEqualTo("cancelled");
        world.worker.drainIncludingEarly(); // the scheduled job, were it to run now, finds it cancelled
        assertThat(world.received(id)).isEmpty();

        UUID sentOne = world.draft("Gone", "Text.", "admins");
        world.sendNow(sentOne);
        ApiReply late = world.api.call("POST", world.base() + "/" + sentOne + "/cancel", world.owner.token(), null);
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.code()).isEqualTo("newsletter_already_started");
        assertThat(late.body().get("error").get("message").asText()).contains("sent");
    }

    @Test
    void aScheduledNewsletterGoesOutAtItsTimeAndNotBefore() throws Exception {
        // A community of its own: this class's sends in the shared one use up its plan's monthly newsletters.
        User founder = world.api.user("Tia Timer");
        UUID club = world.api.community(founder, "Timed Club " + UUID.randomUUID().toString().substring(0, 6), "public", "open");
        String path = "/api/communities/" + club + "/newsletters";
        UUID id = UUID.fromString(world.api.call("POST", path, founder.token(), Map.of("subject", "At its time", "body", "Soon.",
                "segment", "admins")).body().get("id").asText());
        Instant at = Instant.now().plusSeconds(3);
        ApiReply scheduled = world.api.call("POST", path + "/" + id + "/send", founder.token(), Map.of("at", at.toString()));
        assertThat(scheduled.status()).as(scheduled.body().toString()).isEqualTo(202);
        assertThat(scheduled.body().get("status").asText()).isEqualTo("scheduled");

        world.worker.drain();
        assertThat(world.received(id)).as("nothing before its time").isEmpty();
        assertThat(world.api.get(path + "/" + id, founder.token()).body().get("status").asText()).isEqualTo("scheduled");

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
            world.worker.drain();
            return world.received(id).containsKey(founder.email());
        });
        JsonNode sent = world.api.get(path + "/" + id, founder.token()).body();
        assertThat(sent.get("status").asText()).isEqualTo("sent");
        assertThat(Instant.parse(sent.get("sentAt").asText())).isAfterOrEqualTo(at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(sent.at("/stats/recipients").asInt()).isEqualTo(1);
    }
}
