package com.koomy.api.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class EventsIntegrationTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("cardKeySecret", EventFixtures.KEY_SECRET),
            ConfigOverride.config("openai.apiKey", "sk-test-not-a-real-key"));

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort()).checkingContract();
    private final EventFixtures fx = new EventFixtures(api, db, app);

    @Test
    void anAdminCreatesEditsAndCancelsAnEvent() {
        User owner = api.user("Owner Events");
        UUID club = api.community(owner, "Events Club", "public", "open");
        Instant start = Instant.parse("2031-05-01T16:00:00Z");
        ApiReply created = api.call("POST", "/api/communities/" + club + "/events", owner.token(), Map.of(
                "title", "General meeting", "description", "Annual **meeting**", "place", "Town hall",
                "startsAt", start.toString(), "endsAt", start.plus(Duration.ofHours(3)).toString(),
                "timeZone", "Europe/Paris", "capacity", 120, "price", 0));
        assertThat(created.status()).isEqualTo(201);
        JsonNode event = created.body();
        assertThat(event.get("title").asText()).isEqualTo("General meeting");
        assertThat(event.get("visibility").asText()).isEqualTo("members");
        assertThat(event.get("capacity").asInt()).isEqualTo(120);
        assertThat(event.get("seatsLeft").asInt()).isEqualTo(120);
        assertThat(event.get("ticketsPerAccount").asInt()).isEqualTo(1);
        assertThat(event.get("status").asText()).isEqualTo("scheduled");
        String id = event.get("id").asText();

        ApiReply patched = api.call("PATCH", "/api/events/" + id, owner.token(), Map.of("place", "Gymnasium", "capacity", 150));
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.body().get("place").asText()).isEqualTo("Gymnasium");
        assertThat(patched.body().get("title").asText()).isEqualTo("General meeting");
        assertThat(patched.body().get("capacity").asInt()).isEqualTo(150);

        ApiReply cancelled = api.call("POST", "/api/events/" + id + "/cancel", owner.token(), null);
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.body().get("status").asText()).isEqualTo("cancelled");
        assertThat(api.call("PATCH", "/api/events/" + id, owner.token(), Map.of("place", "x")).code()).isEqualTo("event_cancelled");
    }

    @Test
    void badEventsAreRefusedAndNothingIsStored() {
        User owner = api.user("Owner Bad Events");
        UUID club = api.community(owner, "Bad Events Club", "private", "open");
        String path = "/api/communities/" + club + "/events";
        Instant start = Instant.now().plus(Duration.ofDays(3));
        Map<String, Object> good = Map.of("title", "Ok", "startsAt", start.toString(),
                "endsAt", start.plusSeconds(3600).toString(), "timeZone", "Europe/Paris");
        List<Map<String, Object>> bad = List.of(
                with(good, "endsAt", start.minusSeconds(60).toString()),
                with(good, "timeZone", "Mars/Olympus"),
                with(good, "capacity", 0),
                with(good, "ticketsPerAccount", 11),
                with(good, "title", " "));
        for (Map<String, Object> body : bad) {
            ApiReply reply = api.call("POST", path, owner.token(), body);
            assertThat(reply.status()).as(body.toString()).isEqualTo(400);
            assertThat(reply.code()).isEqualTo("validation_failed");
        }
        assertThat(api.call("POST", path, owner.token(), with(good, "visibility", "public")).code()).isEqualTo("private_community");
        ApiReply paid = api.call("POST", path, owner.token(), with(good, "price", 1500));
        assertThat(paid.status()).isEqualTo(422);
        assertThat(paid.code()).isEqualTo("paid_events_unsupported");
        ApiReply unknown = api.call("POST", path, owner.token(), with(good, "communityId", UUID.randomUUID().toString()));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.code()).isEqualTo("unknown_field");
        assertThat(fx.count("SELECT count(*) FROM events WHERE community_id = ?", club)).isZero();

        User member = fx.member(club, "Plain Member");
        assertThat(api.call("POST", path, member.token(), good).status()).isEqualTo(403);
        assertThat(api.call("POST", path, api.user("Stranger").token(), good).status()).isEqualTo(404);
    }

    @Test
    void membersSeeEveryEventAndOthersOnlyThePublicOnesOfAPublicCommunity() {
        User owner = api.user("Owner Visibility");
        UUID club = api.community(owner, "Visible Club", "public", "open");
        UUID membersOnly = fx.event(club, owner, Duration.ofDays(1), null, Map.of("title", "Members dinner"));
        UUID open = fx.event(club, owner, Duration.ofDays(2), null, Map.of("title", "Open day", "visibility", "public"));
        User member = fx.member(club, "Visible Member");
        User stranger = api.user("Visible Stranger");

        assertThat(titles(api.get("/api/communities/" + club + "/events", member.token()))).containsExactly("Members dinner", "Open day");
        assertThat(titles(api.get("/api/communities/" + club + "/events", stranger.token()))).containsExactly("Open day");
        assertThat(titles(api.get("/api/communities/" + club + "/events", null))).containsExactly("Open day");
        assertThat(api.get("/api/events/" + open, null).status()).isEqualTo(200);
        ApiReply hidden = api.get("/api/events/" + membersOnly, stranger.token());
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(hidden.code()).isEqualTo("event_not_found");
        assertThat(api.get("/api/events/" + UUID.randomUUID(), member.token()).code()).isEqualTo("event_not_found");
        // A stranger may register for the public event, not for the members' one.
        assertThat(fx.register(open, stranger).status()).isEqualTo(201);
        assertThat(fx.register(membersOnly, stranger).status()).isEqualTo(404);

        UUID secret = api.community(owner, "Secret Club", "private", "open");
        fx.event(secret, owner, 5);
        assertThat(api.get("/api/communities/" + secret + "/events", stranger.token()).code()).isEqualTo("community_not_found");
    }

    @Test
    void upcomingAndPastListsArePaginatedByStart() {
        User owner = api.user("Owner Pages");
        UUID club = api.community(owner, "Pages Club", "public", "open");
        for (int i = 1; i <= 5; i++) {
            fx.event(club, owner, Duration.ofDays(i), null, Map.of("title", "Upcoming " + i));
        }
        Instant pastStart = Instant.now().minus(Duration.ofDays(10));
        for (int i = 1; i <= 3; i++) {
            Instant s = pastStart.plus(Duration.ofDays(i));
            api.call("POST", "/api/communities/" + club + "/events", owner.token(), Map.of("title", "Past " + i,
                    "startsAt", s.toString(), "endsAt", s.plusSeconds(3600).toString(), "timeZone", "UTC"));
        }
        List<String> upcoming = new ArrayList<>();
        String cursor = "";
        do {
            ApiReply page = api.get("/api/communities/" + club + "/events?limit=2&cursor=" + cursor, owner.token());
            assertThat(page.status()).isEqualTo(200);
            upcoming.addAll(titles(page));
            cursor = page.body().get("nextCursor").isNull() ? null : page.body().get("nextCursor").asText();
        } while (cursor != null);
        assertThat(upcoming).containsExactly("Upcoming 1", "Upcoming 2", "Upcoming 3", "Upcoming 4", "Upcoming 5");
        assertThat(titles(api.get("/api/communities/" + club + "/events?when=past", owner.token())))
                .containsExactly("Past 3", "Past 2", "Past 1");
        assertThat(api.get("/api/communities/" + club + "/events?when=soon", owner.token()).code()).isEqualTo("invalid_when");
        assertThat(api.get("/api/communities/" + club + "/events?cursor=nope", owner.token()).code()).isEqualTo("invalid_cursor");
    }

    @Test
    void eventDraftsGoThroughTheAiPipelineAndStayEventDrafts() {
        User owner = api.user("Owner Event Drafts");
        UUID club = api.community(owner, "Drafting Club", "public", "open");
        ApiReply accepted = api.call("POST", "/api/communities/" + club + "/events/drafts", owner.token(),
                Map.of("brief", "Describe our summer picnic by the river", "language", "en"));
        assertThat(accepted.status()).isEqualTo(202);
        UUID draft = UUID.fromString(accepted.body().get("draftId").asText());
        String row = db.jdbi().withHandle(h -> h.select("SELECT kind || '/' || language FROM content_drafts WHERE id = ?", draft)
                .mapTo(String.class).one());
        assertThat(row).isEqualTo("event/en");
        assertThat(fx.count("SELECT count(*) FROM outbox WHERE kind = 'content_draft' AND ref = ?", draft.toString())).isEqualTo(1);
        assertThat(api.get("/api/communities/" + club + "/events/drafts/" + draft, owner.token()).body().get("status").asText())
                .isEqualTo("queued");
        // The same draft is not a news draft, and a member may not ask.
        assertThat(api.get("/api/communities/" + club + "/news/drafts/" + draft, owner.token()).code()).isEqualTo("draft_not_found");
        User member = fx.member(club, "Drafting Member");
        assertThat(api.call("POST", "/api/communities/" + club + "/events/drafts", member.token(), Map.of("brief", "x")).status())
                .isEqualTo(403);
        assertThat(api.call("POST", "/api/communities/" + club + "/events/drafts", owner.token(), Map.of("brief", "")).code())
                .isEqualTo("invalid_brief");
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> copy = new java.util.HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    private static List<String> titles(ApiReply page) {
        assertThat(page.status()).as(page.body().toString()).isEqualTo(200);
        List<String> titles = new ArrayList<>();
        page.body().get("items").forEach(i -> titles.add(i.get("title").asText()));
        return titles;
    }
}
