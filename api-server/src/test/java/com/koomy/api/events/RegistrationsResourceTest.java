package com.koomy.api.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceCommunity;
import com.koomy.api.ResourceTests;
import com.koomy.events.Event;
import com.koomy.events.MyTickets;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link RegistrationsResource} alone: its bodies' and parameters' validation, its access rules and what it answers. */
class RegistrationsResourceTest {

    private static ResourceEvents services;

    @RegisterExtension
    static ResourceTests api = ResourceTests.of(t -> {
        services = new ResourceEvents(t);
        return new RegistrationsResource(services.registrations, new MyTickets(t.jdbi(), services.ticketKeys));
    }).with(c -> c.setCardKeySecret(Base64.getEncoder().encodeToString("resource-tests-card-key-secret32".getBytes())));

    private static String seats(Event event) {
        return "/api/events/" + event.id() + "/registrations";
    }

    @Test
    void registerAnswers201WithAConfirmedTicketThenAWaitlistPlaceWhenFull() {
        ResourceCommunity club = ResourceCommunity.create(api, "Seating club");
        Event event = services.event(club, "One seat", 1);
        ApiCalls.User first = club.member("First");

        ApiReply confirmed = api.as(first).post(seats(event), null);
        assertThat(confirmed.status()).isEqualTo(201);
        JsonNode t = confirmed.body();
        assertThat(t.get("eventId").asText()).isEqualTo(event.id().toString());
        assertThat(t.get("status").asText()).isEqualTo("confirmed");
        assertThat(t.get("serial").asInt()).isEqualTo(1);
        assertThat(t.get("qr").asText()).isNotBlank();
        assertThat(Base64.getDecoder().decode(t.get("qrPngBase64").asText())).startsWith(0x89, 'P', 'N', 'G');
        assertThat(t.get("waitlistPosition").isNull()).isTrue();
        String holder = api.jdbi().withHandle(h -> h.createQuery("SELECT account_id::text FROM tickets WHERE id = :id")
                .bind("id", UUID.fromString(t.get("ticketId").asText())).mapTo(String.class).one());
        assertThat(holder).isEqualTo(first.id().toString());

        JsonNode waiting = api.as(club.member("Second")).post(seats(event) + "?qr=false", Map.of()).body();
        assertThat(waiting.get("status").asText()).isEqualTo("waitlisted");
        assertThat(waiting.get("waitlistPosition").asInt()).isEqualTo(1);
        assertThat(waiting.get("qr").isNull()).isTrue();
        assertThat(waiting.get("qrPngBase64").isNull()).isTrue();
        api.as(first).post(seats(event), null).assertError(409, "already_registered");
    }

    @Test
    void registerRefusesBadGuestNamesAndStrangersAndStoresNothing() {
        ResourceCommunity club = ResourceCommunity.create(api, "Guest club");
        Event event = services.event(club, "Guests", 10);
        long tickets = api.count("tickets");
        ApiCalls.User member = club.member("Host");

        assertFields(api.as(member).post(seats(event), Map.of("guestName", " ")), "validation_failed", "guestName");
        assertFields(api.as(member).post(seats(event), Map.of("guestName", "g".repeat(201))), "validation_failed", "guestName");
        assertFields(api.as(member).post(seats(event), Map.of("guestName", 7)), "validation_failed", "guestName");
        assertFields(api.as(member).post(seats(event), Map.of("seat", "A1")), "unknown_field", "seat");
        api.anonymous().post(seats(event), null).assertError(401, "unauthorized");
        api.as(api.account("Outsider")).post(seats(event), null).assertError(404, "event_not_found");
        api.as(member).post("/api/events/" + UUID.randomUUID() + "/registrations", null).assertError(404, "event_not_found");

        assertThat(api.count("tickets")).isEqualTo(tickets);
    }

    @Test
    void cancelAndReissueAreForTheHolderAndManagers() {
        ResourceCommunity club = ResourceCommunity.create(api, "Ticket club");
        Event event = services.event(club, "Reissues", 10);
        ApiCalls.User holder = club.member("Holder");
        String ticket = api.as(holder).post(seats(event), null).body().get("ticketId").asText();
        String one = seats(event) + "/" + ticket;

        api.as(club.member("Other")).delete(one).assertError(404, "ticket_not_found");
        api.anonymous().post(one + "/reissue", null).assertError(401, "unauthorized");
        api.as(holder).delete(seats(event) + "/" + UUID.randomUUID()).assertError(404, "ticket_not_found");

        JsonNode reissued = api.as(holder).post(one + "/reissue", null).body();
        assertThat(reissued.get("ticketId").asText()).isEqualTo(ticket);
        assertThat(reissued.get("serial").asInt()).isEqualTo(2);
        assertThat(reissued.get("qrPngBase64").asText()).isNotBlank();

        JsonNode cancelled = api.as(club.owner()).delete(one).body();
        assertThat(cancelled.get("ticketId").asText()).isEqualTo(ticket);
        assertThat(cancelled.get("status").asText()).isEqualTo("cancelled");
        assertThat(cancelled.get("cancelledAt").asText()).isNotBlank();
        api.as(holder).post(one + "/reissue", null).assertError(409, "not_confirmed");
    }

    @Test
    void myTicketsListsOnlyTheCallersSeatsAndValidatesItsParameters() {
        ResourceCommunity club = ResourceCommunity.create(api, "Wallet club");
        Event event = services.event(club, "Mine", 10);
        ApiCalls.User mine = club.member("Mine");
        api.as(mine).post(seats(event), null);
        api.as(club.member("Theirs")).post(seats(event), null);

        JsonNode items = api.as(mine).get("/api/me/tickets").body().get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("eventId").asText()).isEqualTo(event.id().toString());
        assertThat(items.get(0).get("communityId").asText()).isEqualTo(club.id().toString());
        assertThat(items.get(0).get("title").asText()).isEqualTo("Mine");
        assertThat(items.get(0).get("eventStatus").asText()).isEqualTo("scheduled");
        assertThat(items.get(0).get("qr").asText()).isNotBlank();
        assertThat(api.as(mine).get("/api/me/tickets?when=past").body().get("items")).isEmpty();

        api.anonymous().get("/api/me/tickets").assertError(401, "unauthorized");
        assertFields(api.as(mine).get("/api/me/tickets?when=later"), "invalid_when", "when");
        assertFields(api.as(mine).get("/api/me/tickets?limit=abc"), "invalid_limit", "limit");
        assertFields(api.as(mine).get("/api/me/tickets?cursor=garbage"), "invalid_cursor", "cursor");
    }
}
