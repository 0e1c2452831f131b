package com.koomy.api.client;

import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.client.api.CheckInApi;
import com.koomy.client.api.EventsApi;
import com.koomy.client.model.Attendee;
import com.koomy.client.model.CheckinStats;
import com.koomy.client.model.CheckinsScanRequest;
import com.koomy.client.model.EventsCreateEventRequest;
import com.koomy.client.model.EventsEventResponse;
import com.koomy.client.model.PageAttendee;
import com.koomy.client.model.RegistrationsRegisterRequest;
import com.koomy.client.model.RegistrationsRegistrationResponse;
import com.koomy.client.model.ScanResult;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The door, with the generated client alone: registrations with their tickets, scans admitted, already
 * admitted, replayed (same scanId: the first answer again) and forged (invalid), a scanId reused for another
 * ticket (409), then the organiser's attendee list, a no-show, the CSV and the live counts.
 */
class DoorJourneyTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db, Journeys.cardKeys());

    private final Journeys journeys = new Journeys(app::getLocalPort, db.jdbi());

    @Test
    void ticketsAreScannedAtTheDoorAndTheOrganiserFollowsAttendance() throws Exception {
        Journeys.Account owner = journeys.signUp("Dora Door");
        UUID club = journeys.community(owner, "Door club " + Journeys.unique());
        Journeys.Account ana = journeys.member(club, "Ana Attendee");
        Journeys.Account nils = journeys.member(club, "Nils Noshow");
        OffsetDateTime startsAt = OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(30);
        EventsEventResponse event = new EventsApi(journeys.client(owner)).createEvent(club, new EventsCreateEventRequest()
                .title("Quiz night").place("Hall").startsAt(startsAt).endsAt(startsAt.plusHours(2))
                .timeZone("Europe/Paris").capacity(50));
        UUID eventId = event.getId();

        RegistrationsRegistrationResponse anaTicket = new EventsApi(journeys.client(ana))
                .registerForEvent(eventId, true, new RegistrationsRegisterRequest());
        assertThat(anaTicket.getStatus()).isEqualTo("confirmed");
        assertThat(anaTicket.getQr()).isNotBlank();
        assertThat(anaTicket.getQrPngBase64()).isNotBlank();
        RegistrationsRegistrationResponse nilsTicket = new EventsApi(journeys.client(nils))
                .registerForEvent(eventId, false, new RegistrationsRegisterRequest());
        assertThat(nilsTicket.getQrPngBase64()).isNull();
        journeys.refused("registerForEvent", 409, "already_registered",
                () -> new EventsApi(journeys.client(ana)).registerForEvent(eventId, false, new RegistrationsRegisterRequest()));

        CheckInApi door = new CheckInApi(journeys.client(owner));
        ScanResult admitted = door.scanTicket(eventId, scan(anaTicket.getQr(), "north-1", "north"));
        assertThat(admitted.getResult()).isEqualTo("admitted");
        assertThat(admitted.getReplayed()).isFalse();
        assertThat(admitted.getHolder().getTicketId()).isEqualTo(anaTicket.getTicketId());
        assertThat(admitted.getHolder().getName()).isEqualTo("Ana Attendee");

        // the scanner retries after a lost answer: the same answer, replayed, nothing changed
        ScanResult replayed = door.scanTicket(eventId, scan(anaTicket.getQr(), "north-1", "north"));
        assertThat(replayed.getResult()).isEqualTo("admitted");
        assertThat(replayed.getReplayed()).isTrue();
        assertThat(replayed.getAdmittedAt()).isEqualTo(admitted.getAdmittedAt());
        // the same ticket at another gate: already admitted, where and when
        ScanResult again = door.scanTicket(eventId, scan(anaTicket.getQr(), "south-1", "south"));
        assertThat(again.getResult()).isEqualTo("already_admitted");
        assertThat(again.getAdmittedGate()).isEqualTo("north");
        // a scanId already used with another ticket
        journeys.refused("scanTicket", 409, "scan_id_reused",
                () -> door.scanTicket(eventId, scan(nilsTicket.getQr(), "north-1", "north")));
        // forged: Nils's ticket with another signature, and a made-up code
        String payload = nilsTicket.getQr().substring(0, nilsTicket.getQr().lastIndexOf('.'));
        assertThat(door.scanTicket(eventId, scan(payload + "." + "A".repeat(86), "north-2", "north")).getResult())
                .isEqualTo("invalid");
        assertThat(door.scanTicket(eventId, scan("not a ticket", "north-3", "north")).getResult()).isEqualTo("invalid");
        // a member is not door staff; bad input is named
        journeys.refused("scanTicket", 403, "forbidden",
                () -> new CheckInApi(journeys.client(nils)).scanTicket(eventId, scan(nilsTicket.getQr(), "self", "north")));
        journeys.refused("scanTicket", 400, "validation_failed",
                () -> door.scanTicket(eventId, scan(nilsTicket.getQr(), " ", "north")));

        CheckinStats stats = door.getCheckinStats(eventId);
        assertThat(stats.getRegistered()).isEqualTo(2);
        assertThat(stats.getCapacity()).isEqualTo(50);

        // the organiser's list: who came, who did not
        EventsApi organiser = new EventsApi(journeys.client(owner));
        PageAttendee checkedIn = organiser.listEventAttendees(eventId, 10, null, null, "true", null, null);
        assertThat(checkedIn.getItems()).extracting(Attendee::getName).containsExactly("Ana Attendee");
        assertThat(checkedIn.getItems().get(0).getGate()).isEqualTo("north");
        Attendee noShow = organiser.markNoShow(eventId, nilsTicket.getTicketId());
        assertThat(noShow.getNoShowAt()).isNotNull();
        assertThat(organiser.listEventAttendees(eventId, 10, null, "confirmed", null, null, "true").getItems())
                .extracting(Attendee::getTicketId).containsExactly(nilsTicket.getTicketId());
        journeys.refused("markNoShow", 409, "already_checked_in",
                () -> organiser.markNoShow(eventId, anaTicket.getTicketId()));
        journeys.refused("listEventAttendees", 400, "invalid_noShow",
                () -> organiser.listEventAttendees(eventId, 10, null, null, null, null, "maybe"));
        journeys.refused("markNoShow", 404, "ticket_not_found",
                () -> organiser.markNoShow(eventId, UUID.randomUUID()));

        String csv = Files.readString(organiser.exportEventAttendees(eventId, null, null, null, null).toPath());
        assertThat(csv.lines().findFirst().orElseThrow()).startsWith("\"ticket_id\",\"account_id\",\"name\",\"email\"");
        assertThat(csv).contains("Ana Attendee").contains("Nils Noshow");
        assertThat(Files.readString(organiser.exportEventAttendees(eventId, null, "false", null, null).toPath()))
                .doesNotContain("Ana Attendee").contains("Nils Noshow");
    }

    private static CheckinsScanRequest scan(String qr, String scanId, String gate) {
        return new CheckinsScanRequest().qr(qr).scanId(scanId).gate(gate);
    }
}
