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

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The secretary's attendee list (issue 21) through the HTTP API: status, admission time and gate, filters
 * and keyset pages, the CSV, no-shows, the waitlist promoted by hand; organisers and door staff only.
 */
class AttendeesIntegrationTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("cardKeySecret", EventFixtures.KEY_SECRET));

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort()).checkingContract();
    private final EventFixtures fx = new EventFixtures(api, db, app);

    @Test
    void organisersAndDoorStaffSeeEveryoneWithAdmissionAndGateFilteredAndPaged() {
        User owner = api.user("Owner Attendees");
        UUID club = api.community(owner, "Attendee Club", "public", "open");
        UUID event = fx.event(club, owner, 3);
        List<User> people = fx.members(club, "Attendee", 5);
        String qr0 = fx.ticket(event, people.get(0));
        fx.ticket(event, people.get(1));
        String qr2 = fx.ticket(event, people.get(2));
        assertThat(fx.register(event, people.get(3)).body().get("status").asText()).isEqualTo("waitlisted");
        assertThat(fx.register(event, people.get(4)).body().get("status").asText()).isEqualTo("waitlisted");
        assertThat(fx.scan(event, owner, qr0, "scan-a", "north").status()).isEqualTo(200);
        assertThat(fx.scan(event, owner, qr2, "scan-b", "south").status()).isEqualTo(200);
        String base = "/api/events/" + event + "/registrations";

        JsonNode all = api.get(base, owner.token()).body();
        assertThat(all.get("items")).hasSize(5);
        JsonNode first = all.get("items").get(0);
        assertThat(first.get("name").asText()).isEqualTo("Attendee 0");
        assertThat(first.get("status").asText()).isEqualTo("confirmed");
        assertThat(first.get("gate").asText()).isEqualTo("north");
        assertThat(first.get("checkedInAt").asText()).isNotEmpty();
        assertThat(all.get("items").get(4).get("waitlistPosition").asInt()).isEqualTo(2);

        assertThat(api.get(base + "?checkedIn=true", owner.token()).body().get("items")).hasSize(2);
        assertThat(api.get(base + "?checkedIn=false&status=confirmed", owner.token()).body().get("items")).hasSize(1);
        assertThat(api.get(base + "?gate=south", owner.token()).body().get("items").get(0).get("accountId").asText())
                .isEqualTo(people.get(2).id().toString());
        JsonNode waitlist = api.get(base + "?status=waitlisted", owner.token()).body().get("items");
        assertThat(waitlist).hasSize(2);
        assertThat(waitlist.get(0).get("waitlistPosition").asInt()).isEqualTo(1);
        JsonNode page1 = api.get(base + "?limit=2", owner.token()).body();
        JsonNode page2 = api.get(base + "?limit=2&cursor=" + page1.get("nextCursor").asText(), owner.token()).body();
        JsonNode page3 = api.get(base + "?limit=2&cursor=" + page2.get("nextCursor").asText(), owner.token()).body();
        assertThat(page1.get("items")).hasSize(2);
        assertThat(page2.get("items").get(0).get("name").asText()).isEqualTo("Attendee 2");
        assertThat(page3.get("items")).hasSize(1);
        assertThat(page3.get("nextCursor").isNull()).isTrue();

        // Door staff read the list and its CSV; plain members and strangers do not.
        User volunteer = fx.member(club, "Vera Volunteer");
        assertThat(api.get(base, volunteer.token()).status()).isEqualTo(403);
        assertThat(api.call("PUT", "/api/events/" + event + "/staff/" + volunteer.id(), owner.token(), null).status()).isEqualTo(201);
        assertThat(api.get(base + "?status=confirmed", volunteer.token()).body().get("items")).hasSize(3);
        var csv = api.download(base + "/export.csv?checkedIn=true", volunteer.token());
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("\"ticket_id\"").contains("\"checked_in_at\"", "\"gate\"");
        assertThat(lines[1]).contains("\"Attendee 0\"", "\"north\"");
        assertThat(api.get(base, fx.member(club, "Plain Member").token()).status()).isEqualTo(403);
        User stranger = api.user("Stranger Attendees");
        UUID elsewhere = api.community(stranger, "Elsewhere Club", "public", "open");
        assertThat(api.get(base, stranger.token()).code()).isEqualTo("event_not_found");
        assertThat(api.get("/api/events/" + UUID.randomUUID() + "/registrations", owner.token()).code()).isEqualTo("event_not_found");
        assertThat(elsewhere).isNotNull();

        for (String bad : new String[] {"status=lost invalid_status", "checkedIn=yes invalid_checkedIn",
                "noShow=1 invalid_noShow", "limit=0 invalid_limit", "cursor=zzz invalid_cursor"}) {
            String[] parts = bad.split(" ");
            ApiReply reply = api.get(base + "?" + parts[0], owner.token());
            assertThat(reply.status()).as(bad).isEqualTo(400);
            assertThat(reply.code()).as(bad).isEqualTo(parts[1]);
        }
        assertThat(api.download(base + "/export.csv?status=lost", owner.token()).statusCode()).isEqualTo(400);
        assertThat(api.download(base + "/export.csv", fx.member(club, "Csv Member").token()).statusCode()).isEqualTo(403);
    }

    @Test
    void theOrganiserMarksNoShowsPromotesFromTheWaitlistAndCancelsSeats() {
        User owner = api.user("Owner Door List");
        UUID club = api.community(owner, "Door List Club", "public", "open");
        UUID event = fx.event(club, owner, 2);
        List<User> people = fx.members(club, "Seat", 4);
        String qr0 = fx.ticket(event, people.get(0));
        String qr1 = fx.ticket(event, people.get(1));
        UUID waiting1 = UUID.fromString(fx.register(event, people.get(2)).body().get("ticketId").asText());
        UUID waiting2 = UUID.fromString(fx.register(event, people.get(3)).body().get("ticketId").asText());
        assertThat(fx.scan(event, owner, qr0, "scan-c", "main").status()).isEqualTo(200);
        String base = "/api/events/" + event + "/registrations/";

        ApiReply noShow = api.call("POST", base + EventFixtures.ticketId(qr1) + "/no-show", owner.token(), null);
        assertThat(noShow.status()).as(noShow.body().toString()).isEqualTo(200);
        assertThat(noShow.body().get("noShowAt").asText()).isNotEmpty();
        assertThat(api.get("/api/events/" + event + "/registrations?noShow=true", owner.token()).body().get("items")).hasSize(1);

        // Promote the second in line, out of turn: full, so only with raiseCapacity.
        Map<String, ApiReply> refused = new LinkedHashMap<>();
        refused.put("409 event_full", api.call("POST", base + waiting2 + "/promote", owner.token(), null));
        refused.put("409 already_checked_in", api.call("POST", base + EventFixtures.ticketId(qr0) + "/no-show", owner.token(), null));
        refused.put("409 not_confirmed", api.call("POST", base + waiting1 + "/no-show", owner.token(), null));
        refused.put("409 not_waitlisted", api.call("POST", base + EventFixtures.ticketId(qr0) + "/promote", owner.token(),
                Map.of("raiseCapacity", true)));
        refused.put("403 forbidden", api.call("POST", base + waiting2 + "/promote", people.get(0).token(),
                Map.of("raiseCapacity", true)));
        refused.put("404 ticket_not_found", api.call("POST", base + UUID.randomUUID() + "/promote", owner.token(), null));
        refused.put("400 unknown_field", api.call("POST", base + waiting2 + "/promote", owner.token(), Map.of("seats", 3)));
        User stranger = api.user("Stranger Promote");
        api.community(stranger, "Stranger Promote Club", "public", "open");
        refused.put("404 event_not_found", api.call("POST", base + waiting2 + "/promote", stranger.token(),
                Map.of("raiseCapacity", true)));
        refused.forEach((expected, reply) -> {
            String[] parts = expected.split(" ");
            assertThat(reply.status()).as(expected + " " + reply.body()).isEqualTo(Integer.parseInt(parts[0]));
            assertThat(reply.code()).as(expected).isEqualTo(parts[1]);
        });
        assertThat(refused.get("409 event_full").error().message()).startsWith("raiseCapacity");
        assertThat(fx.count("SELECT count(*) FROM tickets WHERE event_id = ? AND status = 'confirmed'", event)).isEqualTo(2);
        assertThat(fx.count("SELECT capacity FROM events WHERE id = ?", event)).isEqualTo(2);

        ApiReply promoted = api.call("POST", base + waiting2 + "/promote", owner.token(), Map.of("raiseCapacity", true));
        assertThat(promoted.status()).as(promoted.body().toString()).isEqualTo(200);
        assertThat(promoted.body().get("status").asText()).isEqualTo("confirmed");
        assertThat(promoted.body().get("qr").asText()).startsWith("koomy-ticket:v1");
        assertThat(fx.count("SELECT capacity FROM events WHERE id = ?", event)).isEqualTo(3);
        assertThat(fx.count("SELECT confirmed_count FROM events WHERE id = ?", event)).isEqualTo(3);
        assertThat(fx.count("SELECT waitlisted_count FROM events WHERE id = ?", event)).isEqualTo(1);
        JsonNode waitlist = api.get("/api/events/" + event + "/registrations?status=waitlisted", owner.token()).body().get("items");
        assertThat(waitlist).hasSize(1);
        assertThat(waitlist.get(0).get("ticketId").asText()).isEqualTo(waiting1.toString());

        // The organiser cancels the no-show's seat: the first in line gets it.
        ApiReply cancelled = api.call("DELETE", base + EventFixtures.ticketId(qr1), owner.token(), null);
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(fx.count("SELECT count(*) FROM tickets WHERE id = ? AND status = 'confirmed'", waiting1)).isEqualTo(1);
    }
}
