package com.koomy.api.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestStack;
import io.dropwizard.testing.ConfigOverride;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class RegistrationsIntegrationTest {

    @RegisterExtension
    static TestStack<ApiConfiguration> stack = EventFixtures.stack(ConfigOverride.config("database.maxSize", "32"));

    private final ApiCalls api = new ApiCalls(() -> stack.app.getLocalPort()).checkingContract();
    private final EventFixtures fx = new EventFixtures(api, stack);

    private JsonNode bundle(UUID event, User admin) {
        ApiReply bundle = api.get("/api/events/" + event + "/checkin-bundle", admin.token());
        assertThat(bundle.status()).isEqualTo(200);
        return bundle.body();
    }

    @Test
    void aMemberRegistersAndGetsASignedTicketByEmailToo() throws Exception {
        User owner = api.user("Owner Tickets");
        UUID club = api.community(owner, "Ticket Club", "public", "open");
        UUID event = fx.event(club, owner, 10);
        User ann = fx.member(club, "Ann Ticket");

        ApiReply reply = api.call("POST", "/api/events/" + event + "/registrations", ann.token(), null);
        assertThat(reply.status()).isEqualTo(201);
        JsonNode ticket = reply.body();
        assertThat(ticket.get("status").asText()).isEqualTo("confirmed");
        assertThat(ticket.get("serial").asInt()).isEqualTo(1);
        assertThat(ticket.get("qrPngBase64").asText()).isNotEmpty();
        String qr = ticket.get("qr").asText();
        String[] parts = qr.substring(0, qr.lastIndexOf('.')).split(":");
        assertThat(parts[0] + ":" + parts[1]).isEqualTo("koomy-ticket:v1");
        assertThat(parts[3]).isEqualTo(ticket.get("ticketId").asText());
        assertThat(parts[4]).isEqualTo(event.toString());
        assertThat(EventFixtures.verifies(qr, bundle(event, owner))).isTrue();
        // The ticket email, queued in the same transaction, carries the same QR code.
        Map<String, Object> email = stack.db.jdbi().withHandle(h -> h.select("""
                SELECT template, recipients->0->>'email' AS "to", variables->>'qrPayload' AS qr, idempotency_key AS key
                  FROM emails WHERE template = 'event_ticket' AND community_id = ?""", club).mapToMap().one());
        assertThat(email.get("template")).isEqualTo("event_ticket");
        assertThat(email.get("to")).isEqualTo(ann.email());
        assertThat(email.get("qr")).isEqualTo(qr);
        assertThat(email.get("key")).isEqualTo("ticket:" + ticket.get("ticketId").asText() + ":1");

        ApiReply again = fx.register(event, ann);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("already_registered");
        ApiReply mine = api.get("/api/me/tickets", ann.token());
        assertThat(mine.status()).isEqualTo(200);
        assertThat(mine.body().get("items")).hasSize(1);
        JsonNode item = mine.body().get("items").get(0);
        assertThat(item.get("ticketId").asText()).isEqualTo(ticket.get("ticketId").asText());
        assertThat(item.get("title").asText()).isEqualTo("Spring fair");
        assertThat(EventFixtures.verifies(item.get("qr").asText(), bundle(event, owner))).isTrue();
        assertThat(api.get("/api/me/tickets?when=past", ann.token()).body().get("items")).isEmpty();
        assertThat(api.get("/api/me/tickets", null).status()).isEqualTo(401);
    }

    @Test
    void guestsTakeExtraSeatsUpToTheEventsLimit() {
        User owner = api.user("Owner Guests");
        UUID club = api.community(owner, "Guest Club", "public", "open");
        UUID event = fx.event(club, owner, Duration.ofDays(1), 10, Map.of("ticketsPerAccount", 2));
        User bob = fx.member(club, "Bob Guest");
        assertThat(fx.register(event, bob).status()).isEqualTo(201);
        ApiReply guest = api.call("POST", "/api/events/" + event + "/registrations?qr=false", bob.token(), Map.of("guestName", "Carol"));
        assertThat(guest.status()).isEqualTo(201);
        assertThat(guest.body().get("guestName").asText()).isEqualTo("Carol");
        assertThat(fx.register(event, bob).code()).isEqualTo("already_registered");
        assertThat(api.call("POST", "/api/events/" + event + "/registrations", bob.token(), Map.of("seats", 3)).code())
                .isEqualTo("unknown_field");
        assertThat(api.get("/api/events/" + event, bob.token()).body().get("registered").asInt()).isEqualTo(2);
    }

    @Test
    void aFullEventWaitlistsAndAFreedSeatGoesToTheFirstInLineWithItsTicketEmail() {
        User owner = api.user("Owner Waitlist");
        UUID club = api.community(owner, "Waitlist Club", "public", "open");
        UUID event = fx.event(club, owner, 2);
        List<User> people = fx.members(club, "Waiting", 4);
        String first = fx.ticket(event, people.get(0));
        fx.ticket(event, people.get(1));
        ApiReply third = fx.register(event, people.get(2));
        ApiReply fourth = fx.register(event, people.get(3));
        assertThat(third.status()).isEqualTo(201);
        assertThat(third.body().get("status").asText()).isEqualTo("waitlisted");
        assertThat(third.body().get("qr").isNull()).isTrue();
        assertThat(third.body().get("waitlistPosition").asInt()).isEqualTo(1);
        assertThat(fourth.body().get("waitlistPosition").asInt()).isEqualTo(2);
        String thirdId = third.body().get("ticketId").asText();
        assertThat(fx.count("SELECT count(*) FROM emails WHERE idempotency_key = ?", "ticket:" + thirdId + ":1")).isZero();

        ApiReply cancelled = api.call("DELETE", "/api/events/" + event + "/registrations/" + EventFixtures.ticketId(first),
                people.get(0).token(), null);
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.body().get("status").asText()).isEqualTo("cancelled");
        assertThat(fx.count("SELECT count(*) FROM tickets WHERE id = ?::uuid AND status = 'confirmed'", thirdId)).isEqualTo(1);
        assertThat(fx.count("SELECT count(*) FROM emails WHERE idempotency_key = ?", "ticket:" + thirdId + ":1")).isEqualTo(1);
        JsonNode state = api.get("/api/events/" + event, owner.token()).body();
        assertThat(state.get("registered").asInt()).isEqualTo(2);
        assertThat(state.get("waitlisted").asInt()).isEqualTo(1);
        // The third person's ticket now shows with its QR code.
        JsonNode mine = api.get("/api/me/tickets", people.get(2).token()).body().get("items").get(0);
        assertThat(mine.get("status").asText()).isEqualTo("confirmed");
        assertThat(mine.get("qr").asText()).startsWith("koomy-ticket:v1:");

        // A larger capacity confirms the rest of the line; a smaller one than the confirmed seats is refused.
        assertThat(api.call("PATCH", "/api/events/" + event, owner.token(), Map.of("capacity", 1)).code())
                .isEqualTo("capacity_below_confirmed");
        assertThat(api.call("PATCH", "/api/events/" + event, owner.token(), Map.of("capacity", 5)).status()).isEqualTo(200);
        state = api.get("/api/events/" + event, owner.token()).body();
        assertThat(state.get("registered").asInt()).isEqualTo(3);
        assertThat(state.get("waitlisted").asInt()).isZero();
        // Another member may not cancel someone else's seat, and learns nothing about it.
        String fourthId = fourth.body().get("ticketId").asText();
        assertThat(api.call("DELETE", "/api/events/" + event + "/registrations/" + fourthId, people.get(1).token(), null).code())
                .isEqualTo("ticket_not_found");
        assertThat(api.call("DELETE", "/api/events/" + event + "/registrations/" + fourthId, owner.token(), null).status())
                .isEqualTo(200);
    }

    @Test
    void hundredsRegisteringAtOnceNeverTakeOneSeatTooMany() throws Exception {
        User owner = api.user("Owner Rush");
        UUID club = api.community(owner, "Rush Club", "public", "open");
        int capacity = 40;
        UUID event = fx.event(club, owner, capacity);
        List<User> crowd = fx.members(club, "Rush", 200);
        ExecutorService pool = Executors.newFixedThreadPool(48);
        List<Future<ApiReply>> replies = new ArrayList<>();
        for (User user : crowd) {
            replies.add(pool.submit(() -> fx.register(event, user)));
        }
        int confirmed = 0;
        int waitlisted = 0;
        for (Future<ApiReply> reply : replies) {
            ApiReply r = reply.get();
            assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
            if ("confirmed".equals(r.body().get("status").asText())) {
                confirmed++;
            } else {
                waitlisted++;
            }
        }
        pool.shutdown();
        assertThat(confirmed).isEqualTo(capacity);
        assertThat(waitlisted).isEqualTo(200 - capacity);
        assertThat(fx.count("SELECT count(*) FROM tickets WHERE event_id = ? AND status = 'confirmed'", event)).isEqualTo(capacity);
        assertThat(fx.count("SELECT confirmed_count FROM events WHERE id = ?", event)).isEqualTo(capacity);
        assertThat(fx.count("SELECT waitlisted_count FROM events WHERE id = ?", event)).isEqualTo(200 - capacity);
        assertThat(fx.count("SELECT count(*) FROM emails WHERE template = 'event_ticket' AND community_id = ?", club))
                .isEqualTo(capacity);
    }

    @Test
    void aReissuedTicketReplacesTheOldQrCodeAndCancelledEventsRefuseRegistrations() throws Exception {
        User owner = api.user("Owner Reissue");
        UUID club = api.community(owner, "Reissue Club", "public", "open");
        UUID event = fx.event(club, owner, 10);
        User dan = fx.member(club, "Dan Reissue");
        String old = fx.ticket(event, dan);
        ApiReply reissued = api.call("POST", "/api/events/" + event + "/registrations/" + EventFixtures.ticketId(old) + "/reissue",
                dan.token(), null);
        assertThat(reissued.status()).isEqualTo(200);
        assertThat(reissued.body().get("serial").asInt()).isEqualTo(2);
        String fresh = reissued.body().get("qr").asText();
        assertThat(fresh).isNotEqualTo(old);
        JsonNode bundle = bundle(event, owner);
        assertThat(EventFixtures.verifies(fresh, bundle)).isTrue();
        assertThat(bundle.get("reissuedTickets").get(0).get("serial").asInt()).isEqualTo(2);
        assertThat(fx.count("SELECT count(*) FROM emails WHERE idempotency_key LIKE ?", "ticket:" + EventFixtures.ticketId(old) + ":%"))
                .isEqualTo(2);

        assertThat(api.call("POST", "/api/events/" + event + "/cancel", owner.token(), null).status()).isEqualTo(200);
        assertThat(fx.register(event, fx.member(club, "Late Comer")).code()).isEqualTo("event_cancelled");
        assertThat(bundle(event, owner).get("revokedTickets").get(0).asText()).isEqualTo(EventFixtures.ticketId(old).toString());
    }
}
