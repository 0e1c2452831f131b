package com.koomy.api.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceCommunity;
import com.koomy.api.ResourceTests;
import com.koomy.events.Event;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link EventsResource} alone: its bodies' and parameters' validation, its access rules and what it answers. */
class EventsResourceTest {

    private static ResourceEvents services;

    @RegisterExtension
    static ResourceTests api = ResourceTests.of(t -> new EventsResource((services = new ResourceEvents(t)).events));

    private static Map<String, Object> body() {
        Map<String, Object> body = new HashMap<>();
        body.put("title", "Spring picnic");
        body.put("startsAt", "2031-05-01T10:00:00Z");
        body.put("endsAt", "2031-05-01T14:00:00Z");
        body.put("timeZone", "Europe/Paris");
        body.put("capacity", 30);
        return body;
    }

    private static Map<String, Object> with(String field, Object value) {
        Map<String, Object> body = body();
        body.put(field, value);
        return body;
    }

    @Test
    void createAnswers201WithTheEventAsStored() {
        ResourceCommunity club = ResourceCommunity.create(api, "Picnic club");

        ApiReply created = api.as(club.owner()).post("/api/communities/" + club.id() + "/events", with("place", "Park"));

        assertThat(created.status()).isEqualTo(201);
        JsonNode e = created.body();
        UUID id = UUID.fromString(e.get("id").asText());
        assertThat(e.get("communityId").asText()).isEqualTo(club.id().toString());
        assertThat(e.get("title").asText()).isEqualTo("Spring picnic");
        assertThat(e.get("place").asText()).isEqualTo("Park");
        assertThat(Instant.parse(e.get("startsAt").asText())).isEqualTo(Instant.parse("2031-05-01T10:00:00Z"));
        assertThat(e.get("capacity").asInt()).isEqualTo(30);
        assertThat(e.get("seatsLeft").asInt()).isEqualTo(30);
        assertThat(e.get("visibility").asText()).isEqualTo("members");
        assertThat(e.get("ticketsPerAccount").asInt()).isEqualTo(1);
        assertThat(e.get("status").asText()).isEqualTo("scheduled");
        assertThat(e.get("registered").asInt()).isZero();
        assertThat(e.get("cancelledAt").isNull()).isTrue();
        String title = api.jdbi().withHandle(h -> h.createQuery("SELECT title FROM events WHERE id = :id")
                .bind("id", id).mapTo(String.class).one());
        assertThat(title).isEqualTo("Spring picnic");
    }

    @Test
    void createRefusesEachKindOfBadBodyNamingTheFieldAndCreatesNothing() {
        ResourceCommunity club = ResourceCommunity.create(api, "Strict club");
        long events = api.count("events");
        Map<String, Object> noTitle = body();
        noTitle.remove("title");

        assertFields(create(club, noTitle), "validation_failed", "title");
        assertFields(create(club, with("title", "   ")), "validation_failed", "title");
        assertFields(create(club, with("title", "t".repeat(201))), "validation_failed", "title");
        assertFields(create(club, with("place", "two\nlines")), "validation_failed", "place");
        assertFields(create(club, with("capacity", "many")), "validation_failed", "capacity");
        assertFields(create(club, with("capacity", 0)), "validation_failed", "capacity");
        assertFields(create(club, with("ticketsPerAccount", 11)), "validation_failed", "ticketsPerAccount");
        assertFields(create(club, with("visibility", "secret")), "validation_failed", "visibility");
        assertFields(create(club, with("startsAt", "tomorrow")), "validation_failed", "startsAt");
        assertFields(create(club, with("organizer", "me")), "unknown_field", "organizer");
        assertFields(create(club, with("endsAt", "2031-05-01T09:00:00Z")), "validation_failed", "endsAt");
        assertFields(create(club, with("timeZone", "Mars/Olympus")), "validation_failed", "timeZone");
        api.as(club.owner()).post("/api/communities/" + club.id() + "/events", with("price", 500))
                .assertError(422, "paid_events_unsupported");

        assertThat(api.count("events")).isEqualTo(events);
    }

    private static ApiReply create(ResourceCommunity club, Map<String, Object> body) {
        return api.as(club.owner()).post("/api/communities/" + club.id() + "/events", body);
    }

    @Test
    void managingNeedsAnAdminAndSigningIn() {
        ResourceCommunity club = ResourceCommunity.create(api, "Guarded club");
        Event event = services.event(club, "Guarded", 10);
        ApiCalls.User member = club.member("Plain member");
        long events = api.count("events");

        api.anonymous().post("/api/communities/" + club.id() + "/events", body()).assertError(401, "unauthorized");
        api.as(member).post("/api/communities/" + club.id() + "/events", body()).assertError(403, "forbidden");
        assertThat(api.as(api.account("Stranger")).post("/api/communities/" + club.id() + "/events", body()).status()).isEqualTo(404);
        api.as(member).patch("/api/events/" + event.id(), Map.of("title", "Mine")).assertError(403, "forbidden");
        api.anonymous().post("/api/events/" + event.id() + "/cancel", null).assertError(401, "unauthorized");
        api.as(member).post("/api/events/" + event.id() + "/cancel", null).assertError(403, "forbidden");

        assertThat(api.count("events")).isEqualTo(events);
        assertThat(api.as(club.admin("Admin")).patch("/api/events/" + event.id(), Map.of("title", "Renamed"))
                .body().get("title").asText()).isEqualTo("Renamed");
    }

    @Test
    void updateChangesOnlyTheFieldsSentAndValidatesThem() {
        ResourceCommunity club = ResourceCommunity.create(api, "Editing club");
        Event event = services.event(club, "Draft title", 10);

        JsonNode updated = api.as(club.owner()).patch("/api/events/" + event.id(), Map.of("capacity", 12)).body();
        assertThat(updated.get("capacity").asInt()).isEqualTo(12);
        assertThat(updated.get("title").asText()).isEqualTo("Draft title");
        assertThat(updated.get("place").asText()).isEqualTo("Hall");

        assertFields(api.as(club.owner()).patch("/api/events/" + event.id(), Map.of("title", "  ")), "validation_failed", "title");
        assertFields(api.as(club.owner()).patch("/api/events/" + event.id(), Map.of("id", UUID.randomUUID())),
                "unknown_field", "id");
        assertFields(api.as(club.owner()).patch("/api/events/" + event.id(), Map.of("capacity", true)),
                "validation_failed", "capacity");
        assertThat(services.events.get(event.id(), club.owner().id()).capacity()).isEqualTo(12);
        api.as(club.owner()).patch("/api/events/" + UUID.randomUUID(), Map.of("title", "x")).assertError(404, "event_not_found");
    }

    @Test
    void cancelAnswersTheCancelledEvent() {
        ResourceCommunity club = ResourceCommunity.create(api, "Cancelling club");
        Event event = services.event(club, "Rainy day", null);

        JsonNode cancelled = api.as(club.owner()).post("/api/events/" + event.id() + "/cancel", null).body();

        assertThat(cancelled.get("status").asText()).isEqualTo("cancelled");
        assertThat(Instant.parse(cancelled.get("cancelledAt").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(cancelled.get("capacity").isNull()).isTrue();
        api.as(club.owner()).patch("/api/events/" + event.id(), Map.of("title", "Sunny")).assertError(409, "event_cancelled");
    }

    @Test
    void getAndListShowMembersOnlyEventsToActiveMembersOnly() {
        ResourceCommunity club = ResourceCommunity.create(api, "Listing club");
        Event event = services.event(club, "Members night", 5);
        ApiCalls.User member = club.member("Reader");

        JsonNode read = api.as(member).get("/api/events/" + event.id()).body();
        assertThat(read.get("description").asText()).isEqualTo("About Members night");
        api.anonymous().get("/api/events/" + event.id()).assertError(404, "event_not_found");
        api.as(member).get("/api/events/" + UUID.randomUUID()).assertError(404, "event_not_found");

        JsonNode list = api.as(member).get("/api/communities/" + club.id() + "/events").body();
        assertThat(list.get("items")).hasSize(1);
        assertThat(list.get("items").get(0).get("id").asText()).isEqualTo(event.id().toString());
        assertThat(list.get("items").get(0).has("description")).isFalse();
        assertThat(api.anonymous().get("/api/communities/" + club.id() + "/events").body().get("items")).isEmpty();
        assertThat(api.as(member).get("/api/communities/" + club.id() + "/events?when=past").body().get("items")).isEmpty();
    }

    @Test
    void listRefusesBadParametersNamingThem() {
        ResourceCommunity club = ResourceCommunity.create(api, "Paging club");
        String list = "/api/communities/" + club.id() + "/events";

        assertFields(api.as(club.owner()).get(list + "?when=soon"), "invalid_when", "when");
        assertFields(api.as(club.owner()).get(list + "?limit=0"), "invalid_limit", "limit");
        assertFields(api.as(club.owner()).get(list + "?cursor=garbage"), "invalid_cursor", "cursor");
        assertThat(api.as(club.owner()).get("/api/communities/not-a-uuid/events").status()).isEqualTo(404);
    }
}
