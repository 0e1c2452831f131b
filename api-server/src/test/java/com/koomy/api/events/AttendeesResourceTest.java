package com.koomy.api.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceCaller;
import com.koomy.api.ResourceCommunity;
import com.koomy.api.ResourceTests;
import com.koomy.api.events.ResourceEvents.Route;
import com.koomy.csv.Csv;
import com.koomy.events.Attendees;
import com.koomy.events.Event;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AttendeesResource} alone, as {@link EventsRoutes} registers it: the attendee list and its CSV for organisers
 * and door staff, no-shows and promotion from the waitlist for owners and admins; filters checked, rows as stored.
 */
class AttendeesResourceTest {

    private static ResourceEvents services;

    @RegisterExtension
    static ResourceTests api = ResourceEvents.registered(AttendeesResource.class, s -> services = s);

    /** A full event of two seats: Ann's (admitted at gate north), Bob's (confirmed), Cy's (waitlisted). */
    private record Seats(ResourceCommunity club, Event event, ApiCalls.User ann, UUID admitted, UUID confirmed, UUID waiting) {
        String list() {
            return "/api/events/" + event.id() + "/registrations";
        }

        ApiCalls.User owner() {
            return club.owner();
        }
    }

    private static Seats seats(String name) {
        ResourceCommunity club = ResourceCommunity.create(api, name);
        Event event = services.event(club, name, 2);
        ApiCalls.User ann = club.member("Ann");
        UUID admitted = services.seat(event, ann).ticket().id();
        UUID confirmed = services.seat(event, club.member("Bob")).ticket().id();
        UUID waiting = services.seat(event, club.member("Cy")).ticket().id();
        api.jdbi().useHandle(h -> h.execute("INSERT INTO checkins (ticket_id, event_id, scan_id, gate, admitted_at) "
                + "VALUES (?, ?, 'scan-1', 'north', '2031-05-01T09:30:00Z')", admitted, event.id()));
        return new Seats(club, event, ann, admitted, confirmed, waiting);
    }

    private static List<String> tickets(ApiReply page) {
        assertThat(page.status()).as("%s", page.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        page.body().get("items").forEach(item -> ids.add(item.get("ticketId").asText()));
        return ids;
    }

    @Test
    void theListShowsEachSeatWithItsAdmissionInRegistrationOrderFilteredAndPaged() {
        Seats s = seats("List club");
        ResourceCaller owner = api.as(s.owner());

        ApiReply all = owner.get(s.list());
        JsonNode items = all.body().get("items");
        assertThat(tickets(all)).containsExactly(s.admitted.toString(), s.confirmed.toString(), s.waiting.toString());
        JsonNode ann = items.get(0);
        assertThat(ann.get("accountId").asText()).isEqualTo(s.ann.id().toString());
        assertThat(ann.get("name").asText()).isEqualTo("Ann");
        assertThat(ann.get("email").asText()).isEqualTo(s.ann.email());
        assertThat(ann.get("status").asText()).isEqualTo("confirmed");
        assertThat(Instant.parse(ann.get("checkedInAt").asText())).isEqualTo(Instant.parse("2031-05-01T09:30:00Z"));
        assertThat(ann.get("gate").asText()).isEqualTo("north");
        assertThat(ann.get("confirmedAt").asText()).isNotBlank();
        for (String none : new String[] {"guestName", "waitlistPosition", "cancelledAt", "noShowAt"}) {
            assertThat(ann.get(none).isNull()).as(none).isTrue();
        }
        assertThat(items.get(1).get("checkedInAt").isNull()).isTrue();
        assertThat(items.get(2).get("status").asText()).isEqualTo("waitlisted");
        assertThat(items.get(2).get("waitlistPosition").asInt()).isEqualTo(1);
        assertThat(items.get(2).get("confirmedAt").isNull()).isTrue();

        assertThat(tickets(owner.get(s.list() + "?status=waitlisted"))).containsExactly(s.waiting.toString());
        assertThat(tickets(owner.get(s.list() + "?checkedIn=true"))).containsExactly(s.admitted.toString());
        assertThat(tickets(owner.get(s.list() + "?checkedIn=false&status=confirmed"))).containsExactly(s.confirmed.toString());
        assertThat(tickets(owner.get(s.list() + "?gate=north"))).containsExactly(s.admitted.toString());
        assertThat(tickets(owner.get(s.list() + "?gate=south"))).isEmpty();
        assertThat(tickets(owner.get(s.list() + "?noShow=true"))).isEmpty();
        JsonNode first = owner.get(s.list() + "?limit=2").body();
        assertThat(first.get("items")).hasSize(2);
        ApiReply second = owner.get(s.list() + "?limit=2&cursor=" + first.get("nextCursor").asText());
        assertThat(tickets(second)).containsExactly(s.waiting.toString());
        assertThat(second.body().get("nextCursor").isNull()).isTrue();
        assertThat(tickets(api.as(services.doorStaff(s.club, s.event, "Doorman")).get(s.list()))).hasSize(3);
    }

    @Test
    void theCsvIsTheFilteredListCellByCellAsAnAttachment() {
        Seats s = seats("Csv club");
        ApiCalls.User doorman = services.doorStaff(s.club, s.event, "Doorman");
        JsonNode listed = api.as(doorman).get(s.list() + "?checkedIn=true").body().get("items").get(0);

        ApiReply csv = api.as(doorman).download(s.list() + "/export.csv?checkedIn=true");

        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/csv"));
        assertThat(csv.header("Content-Disposition")).hasValue("attachment; filename=\"attendees-" + s.event.id() + ".csv\"");
        assertThat(csv.header("Cache-Control")).hasValue("no-store");
        String[] lines = csv.body().get("text").asText().split("\r\n");
        assertThat(lines[0]).isEqualTo(Arrays.stream(Attendees.CSV_HEADER).map(Csv::cell).collect(Collectors.joining(",")));
        assertThat(lines).hasSize(2);
        assertThat(lines[1]).isEqualTo(csvLine(listed));
        assertThat(api.as(s.owner()).download(s.list() + "/export.csv").body().get("text").asText().split("\r\n")).hasSize(4);
    }

    /** The CSV line of a listed attendee: in each column the JSON field of that name (ticket_id: ticketId), null empty. */
    private static String csvLine(JsonNode item) {
        return Arrays.stream(Attendees.CSV_HEADER).map(column -> {
            String[] words = column.split("_");
            JsonNode value = item.get(words[0] + Arrays.stream(words).skip(1)
                    .map(w -> Character.toUpperCase(w.charAt(0)) + w.substring(1)).collect(Collectors.joining()));
            assertThat(value).as(column).isNotNull();
            return Csv.cell(value.isNull() ? null : value.asText());
        }).collect(Collectors.joining(","));
    }

    @Test
    void badFiltersAre400NamingTheParameterOnTheListAndTheCsv() {
        Seats s = seats("Filter club");
        ResourceCaller owner = api.as(s.owner());
        String csv = s.list() + "/export.csv";

        assertFields(owner.get(s.list() + "?status=lost"), "invalid_status", "status");
        assertFields(owner.get(s.list() + "?checkedIn=yes"), "invalid_checkedIn", "checkedIn");
        assertFields(owner.get(s.list() + "?noShow=1"), "invalid_noShow", "noShow");
        assertFields(owner.get(s.list() + "?gate=" + "g".repeat(101)), "invalid_gate", "gate");
        assertFields(owner.get(s.list() + "?limit=0"), "invalid_limit", "limit");
        assertFields(owner.get(s.list() + "?limit=101"), "invalid_limit", "limit");
        assertFields(owner.get(s.list() + "?cursor=zzz"), "invalid_cursor", "cursor");
        assertFields(owner.get(csv + "?status=lost"), "invalid_status", "status");
        assertFields(owner.get(csv + "?checkedIn=TRUE"), "invalid_checkedIn", "checkedIn");
        assertFields(owner.get(csv + "?noShow=no"), "invalid_noShow", "noShow");
        assertFields(owner.get(csv + "?gate=" + "g".repeat(101)), "invalid_gate", "gate");
    }

    @Test
    void aConfirmedSeatNotAdmittedIsMarkedNoShowOnce() {
        Seats s = seats("No-show club");
        String base = s.list() + "/";

        ApiReply marked = api.as(s.owner()).post(base + s.confirmed + "/no-show", null);

        assertThat(marked.status()).isEqualTo(200);
        assertThat(marked.body().get("ticketId").asText()).isEqualTo(s.confirmed.toString());
        assertThat(marked.body().get("status").asText()).isEqualTo("confirmed");
        Instant noShowAt = Instant.parse(marked.body().get("noShowAt").asText());
        assertThat(services.count("SELECT count(*) FROM tickets WHERE id = ? AND no_show_at IS NOT NULL", s.confirmed))
                .isEqualTo(1);
        assertThat(api.as(s.club.admin("Admin")).post(base + s.confirmed + "/no-show", null).body().get("noShowAt").asText())
                .isEqualTo(marked.body().get("noShowAt").asText());
        assertThat(noShowAt).isBefore(Instant.now().plusSeconds(1));
        assertThat(tickets(api.as(s.owner()).get(s.list() + "?noShow=true"))).containsExactly(s.confirmed.toString());

        api.as(s.owner()).post(base + s.admitted + "/no-show", null).assertError(409, "already_checked_in");
        api.as(s.owner()).post(base + s.waiting + "/no-show", null).assertError(409, "not_confirmed");
        api.as(s.owner()).post(base + UUID.randomUUID() + "/no-show", null).assertError(404, "ticket_not_found");
        Seats other = seats("Other no-show club");
        api.as(s.owner()).post(base + other.confirmed + "/no-show", null).assertError(404, "ticket_not_found");
        assertThat(services.count("SELECT count(*) FROM tickets WHERE event_id IN (?, ?) AND no_show_at IS NOT NULL",
                s.event.id(), other.event.id())).isEqualTo(1);
    }

    @Test
    void aWaitlistedSeatIsPromotedIntoAFullEventOnlyWhenItsCapacityMayRise() {
        Seats s = seats("Promotion club");
        String promote = s.list() + "/" + s.waiting + "/promote";
        String emails = "SELECT count(*) FROM emails WHERE idempotency_key = ?";

        assertThat(api.as(s.owner()).post(promote, null).assertError(409, "event_full").message()).startsWith("raiseCapacity");
        api.as(s.owner()).post(promote, Map.of("raiseCapacity", false)).assertError(409, "event_full");
        assertFields(api.as(s.owner()).post(promote, Map.of("raiseCapacity", "yes")), "validation_failed", "raiseCapacity");
        assertFields(api.as(s.owner()).post(promote, Map.of("seats", 3)), "unknown_field", "seats");
        assertThat(services.count("SELECT capacity FROM events WHERE id = ?", s.event.id())).isEqualTo(2);
        assertThat(services.count("SELECT count(*) FROM tickets WHERE id = ? AND status = 'waitlisted'", s.waiting)).isEqualTo(1);
        assertThat(services.count(emails, "ticket:" + s.waiting + ":1")).isZero();

        ApiReply promoted = api.as(s.owner()).post(promote, Map.of("raiseCapacity", true));

        assertThat(promoted.status()).as("%s", promoted.body()).isEqualTo(200);
        JsonNode ticket = promoted.body();
        assertThat(ticket.get("ticketId").asText()).isEqualTo(s.waiting.toString());
        assertThat(ticket.get("eventId").asText()).isEqualTo(s.event.id().toString());
        assertThat(ticket.get("status").asText()).isEqualTo("confirmed");
        assertThat(ticket.get("serial").asInt()).isEqualTo(1);
        assertThat(ticket.get("code").asText()).isEqualTo(s.waiting.toString().substring(0, 8).toUpperCase() + "-1");
        assertThat(ticket.get("qr").asText()).startsWith("koomy-ticket:v1:").contains(s.waiting.toString());
        assertThat(ticket.get("qrPngBase64").isNull()).isTrue();
        assertThat(ticket.get("waitlistPosition").isNull()).isTrue();
        assertThat(services.count("SELECT capacity FROM events WHERE id = ?", s.event.id())).isEqualTo(3);
        assertThat(services.count("SELECT count(*) FROM tickets WHERE id = ? AND status = 'confirmed'", s.waiting)).isEqualTo(1);
        assertThat(services.count(emails, "ticket:" + s.waiting + ":1")).isEqualTo(1);

        api.as(s.owner()).post(promote, Map.of("raiseCapacity", true)).assertError(409, "not_waitlisted");
        api.as(s.owner()).post(s.list() + "/" + UUID.randomUUID() + "/promote", null).assertError(404, "ticket_not_found");
        assertThat(services.count("SELECT capacity FROM events WHERE id = ?", s.event.id())).isEqualTo(3);
    }

    @Test
    void organisersAndDoorStaffReadTheListOnlyOwnersAndAdminsChangeSeats() {
        Seats s = seats("Guarded seats club");
        ApiCalls.User doorman = services.doorStaff(s.club, s.event, "Doorman");
        Route noShow = new Route("POST", "/api/events/%s/registrations/" + s.confirmed + "/no-show", null);
        Route promote = new Route("POST", "/api/events/%s/registrations/" + s.waiting + "/promote",
                Map.of("raiseCapacity", true));

        ResourceEvents.assertGuarded(api, s.event.id(), s.owner(), s.club.member("Member"), "event_not_found",
                new Route("GET", "/api/events/%s/registrations", null),
                new Route("GET", "/api/events/%s/registrations/export.csv", null), noShow, promote);
        noShow.send(api.as(doorman), s.event.id()).assertError(403, "forbidden");
        promote.send(api.as(doorman), s.event.id()).assertError(403, "forbidden");

        assertThat(services.count("SELECT count(*) FROM tickets WHERE event_id = ? AND no_show_at IS NOT NULL", s.event.id()))
                .isZero();
        assertThat(services.count("SELECT count(*) FROM tickets WHERE id = ? AND status = 'waitlisted'", s.waiting)).isEqualTo(1);
        assertThat(api.as(doorman).download(s.list() + "/export.csv").status()).isEqualTo(200);
    }
}
