package com.koomy.api.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceTests;
import com.koomy.api.events.ResourceEvents.Route;
import com.koomy.events.Event;
import com.koomy.testing.ApiReply;
import io.dropwizard.lifecycle.Managed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static com.koomy.api.ResourceTests.assertFields;
import static com.koomy.api.events.ResourceDoor.offline;
import static com.koomy.api.events.ResourceEvents.values;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CheckinsResource} alone, as {@link EventsRoutes} registers it (online scans through its group commit): scans
 * and their answers, offline batches, the offline bundle and live counts, what is refused and who may scan.
 */
class CheckinsResourceTest {

    private static ResourceEvents services;
    private static Managed scanWriters;

    @RegisterExtension
    static ResourceTests api = ResourceEvents.registered(CheckinsResource.class, s -> services = s);

    @BeforeAll
    static void startScanWriters() throws Exception {
        scanWriters = ResourceEvents.scanWriters(api);
        scanWriters.start();
    }

    @AfterAll
    static void stopScanWriters() throws Exception {
        scanWriters.stop();
    }

    private static ResourceDoor door(String name) {
        return ResourceDoor.open(api, services, name);
    }

    private static long meter(String result) {
        return api.app().metrics().meter("koomy.checkins.result." + result).getCount();
    }

    private static String result(ApiReply reply) {
        assertThat(reply.status()).as("%s", reply.body()).isEqualTo(200);
        return reply.body().get("result").asText();
    }

    @Test
    void aScanAdmitsTheTicketOnceItsRetryIsReplayedAndAnotherScanIsADuplicate() {
        ResourceDoor d = door("Scan club");
        long admitted = meter("admitted");

        JsonNode first = d.scan(d.club().owner(), d.qr(), "scan-1", "north").body();

        assertThat(values(first, "scanId", "result", "admittedGate", "replayed", "conflict"))
                .isEqualTo("scan-1/admitted/north/false/null");
        Instant admittedAt = Instant.parse(first.get("admittedAt").asText());
        assertThat(admittedAt).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
        assertThat(values(first.get("holder"), "ticketId", "name", "guestName"))
                .isEqualTo(EventFixtures.ticketId(d.qr()) + "/Eve/null");
        assertThat(services.count("SELECT count(*) FROM checkins WHERE ticket_id = ? AND scan_id = 'scan-1' AND gate = 'north' "
                + "AND NOT offline", EventFixtures.ticketId(d.qr()))).isEqualTo(1);
        assertThat(meter("admitted")).isEqualTo(admitted + 1);

        JsonNode retry = d.scan(d.club().owner(), d.qr(), "scan-1", "north").body();
        assertThat(values(retry, "result", "admittedGate", "replayed")).isEqualTo("admitted/north/true");
        assertThat(Instant.parse(retry.get("admittedAt").asText())).isEqualTo(admittedAt);
        assertThat(d.stored()).isEqualTo("1 admitted, 1 scans");

        JsonNode duplicate = d.scan(d.club().admin("Admin"), d.qr(), "scan-2", "south").body();
        assertThat(values(duplicate, "scanId", "result", "admittedGate", "replayed"))
                .isEqualTo("scan-2/already_admitted/north/false");
        assertThat(Instant.parse(duplicate.get("admittedAt").asText())).isEqualTo(admittedAt);
        assertThat(duplicate.get("holder").get("name").asText()).isEqualTo("Eve");
        assertThat(d.stored()).isEqualTo("1 admitted, 2 scans");

        String other = services.seat(d.event(), d.club().member("Olga")).qr();
        d.scan(d.club().owner(), other, "scan-1", "north").assertError(409, "scan_id_reused");
        assertThat(d.stored()).isEqualTo("1 admitted, 2 scans");
    }

    @Test
    void aTicketOfAnotherEventAndMalformedOrForeignCodesAreAnsweredWithoutAdmittingAnyone() {
        ResourceDoor d = door("Refusal club");
        Event next = services.event(d.club(), "Next night", 10, Duration.ofHours(2));
        String elsewhere = services.seat(next, d.club().member("Walt")).qr();
        String payload = d.qr().substring(0, d.qr().lastIndexOf('.'));
        long wrongEvents = meter("wrong_event");
        long invalids = meter("invalid");

        JsonNode wrong = d.scan(d.club().owner(), elsewhere, "scan-w", "north").body();

        assertThat(values(wrong, "scanId", "result", "admittedAt", "admittedGate", "holder", "replayed", "conflict"))
                .isEqualTo("scan-w/wrong_event/null/null/null/false/null");
        List<String> malformed = List.of("hello world", "", "koomy-ticket:v1:garbage", payload + "." + "A".repeat(86),
                payload.replace(d.event().id().toString(), next.id().toString()) + d.qr().substring(d.qr().lastIndexOf('.')),
                door("Foreign club").qr());
        for (int i = 0; i < malformed.size(); i++) {
            assertThat(result(d.scan(d.club().owner(), malformed.get(i), "scan-m" + i, "north"))).as(malformed.get(i))
                    .isEqualTo("invalid");
        }
        assertThat(meter("wrong_event")).isEqualTo(wrongEvents + 1);
        assertThat(meter("invalid")).isEqualTo(invalids + malformed.size());
        assertThat(d.stored()).isEqualTo("0 admitted, 0 scans");
        assertThat(result(d.scan(d.club().owner(), d.qr(), "scan-m0", "north"))).isEqualTo("admitted");
    }

    @Test
    void badScanAndBatchBodiesAre400NamingTheFieldAndRecordNothing() {
        ResourceDoor d = door("Strict door club");
        Map<String, Object[]> bad = new HashMap<>();
        bad.put("qr", new Object[] {null, 7, "q".repeat(4097)});
        bad.put("scanId", new Object[] {null, " ", "s".repeat(101), "two\nlines"});
        bad.put("gate", new Object[] {null, "", "bell\u0007"});
        bad.forEach((field, wrong) -> {
            for (Object value : wrong) {
                Map<String, Object> body = new HashMap<>(Map.of("qr", d.qr(), "scanId", "scan-1", "gate", "north"));
                body.put(field, value);
                assertFields(d.post("/checkins", body), "validation_failed", field);
            }
        });
        assertFields(d.post("/checkins", Map.of("qr", d.qr(), "scanId", "s", "gate", "g", "admit", true)),
                "unknown_field", "admit");
        d.post("/checkins", "null").assertError(400, "validation_failed");

        Map<String, Object> noTime = new HashMap<>(offline(d.qr(), "off-1", Instant.now()));
        noTime.remove("scannedAt");
        List<Map<String, Object>> tooMany = Collections.nCopies(1001, offline(d.qr(), "off-1", Instant.now()));
        assertFields(d.post("/checkins/batch", Map.of("scans", List.of())), "validation_failed", "scans");
        assertFields(d.post("/checkins/batch", Map.of("scans", tooMany)), "validation_failed", "scans");
        assertFields(d.post("/checkins/batch", Map.of("scans", List.of(noTime))), "validation_failed", "scans[0].scannedAt");
        List<Map<String, Object>> blankId = List.of(offline(d.qr(), "off-1", Instant.now()), offline(d.qr(), " ", Instant.now()));
        assertFields(d.post("/checkins/batch", Map.of("scans", blankId)), "validation_failed", "scans[1].scanId");

        assertThat(d.stored()).isEqualTo("0 admitted, 0 scans");
    }

    @Test
    void anOfflineBatchIsDecidedScanByScanTheEarliestWinningAndAnUploadAgainChangesNothing() {
        ResourceDoor d = door("Offline club");
        String bob = services.seat(d.event(), d.club().member("Bob")).qr();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Map<String, Object> body = Map.of("scans", List.of(offline(d.qr(), "off-2", now.minusSeconds(300)),
                offline(d.qr(), "off-1", now.minusSeconds(600)), offline(bob, "off-3", now.minusSeconds(100)),
                offline("not a ticket", "off-4", now.minusSeconds(50))));

        JsonNode batch = d.post("/checkins/batch", body).body();

        assertThat(values(batch, "scans", "admitted", "conflicts")).isEqualTo("4/2/1");
        JsonNode results = batch.get("results");
        assertThat(values(results.get(0), "scanId", "result", "admittedGate")).isEqualTo("off-2/already_admitted/side door");
        assertThat(values(results.get(0).get("conflict"), "scanId", "gate", "superseded")).isEqualTo("off-1/side door/false");
        assertThat(values(results.get(1), "scanId", "result", "conflict")).isEqualTo("off-1/admitted/null");
        assertThat(Instant.parse(results.get(1).get("admittedAt").asText())).isEqualTo(now.minusSeconds(600));
        assertThat(results.get(2).get("holder").get("name").asText()).isEqualTo("Bob");
        assertThat(values(results.get(3), "scanId", "result", "holder")).isEqualTo("off-4/invalid/null");
        assertThat(services.count("SELECT count(*) FROM checkins WHERE event_id = ? AND offline AND gate = 'side door'",
                d.event().id())).isEqualTo(2);
        assertThat(d.stored()).isEqualTo("2 admitted, 3 scans");

        JsonNode again = d.post("/checkins/batch", body).body();
        assertThat(values(again.get("results").get(1), "result", "replayed")).isEqualTo("admitted/true");
        assertThat(d.stored()).isEqualTo("2 admitted, 3 scans");

        List<Map<String, Object>> forged = IntStream.range(0, 51)
                .mapToObj(i -> offline("forged " + i, "forged-" + i, now)).toList();
        d.post("/checkins/batch", Map.of("scans", forged)).assertError(422, "forged_batch");
        assertThat(d.stored()).isEqualTo("2 admitted, 3 scans");
    }

    @Test
    void theBundleVerifiesTicketsOfflineAndTheCountsFollowTheDoor() throws Exception {
        ResourceDoor d = door("Bundle club");
        ApiCalls.User carl = d.club().member("Carl");
        UUID cancelled = services.seat(d.event(), carl).ticket().id();
        services.registrations.cancel(d.event().id(), carl.id(), cancelled);
        ApiCalls.User rita = d.club().member("Rita");
        UUID reissued = services.seat(d.event(), rita).ticket().id();
        services.registrations.reissue(d.event().id(), rita.id(), reissued);

        JsonNode bundle = d.get(d.club().owner(), "/checkin-bundle").body();

        assertThat(values(bundle, "eventId", "communityId", "title", "status", "ticketCount"))
                .isEqualTo(d.event().id() + "/" + d.club().id() + "/Bundle club/scheduled/2");
        assertThat(Instant.parse(bundle.get("startsAt").asText())).isEqualTo(d.event().startsAt());
        assertThat(bundle.get("keys")).hasSize(1);
        assertThat(values(bundle.get("keys").get(0), "algorithm", "format")).isEqualTo("Ed25519/X.509");
        assertThat(EventFixtures.verifies(d.qr(), bundle)).isTrue();
        assertThat(bundle.get("revokedTickets").toString()).isEqualTo("[\"" + cancelled + "\"]");
        assertThat(bundle.get("reissuedTickets")).hasSize(1);
        assertThat(values(bundle.get("reissuedTickets").get(0), "ticketId", "serial")).isEqualTo(reissued + "/2");

        assertThat(result(d.scan(d.club().owner(), d.qr(), "count-1", "north"))).isEqualTo("admitted");
        ApiReply stats = d.get(d.club().owner(), "/checkins/stats");

        assertThat(stats.header("Cache-Control").orElseThrow()).contains("private", "max-age=1");
        JsonNode counts = stats.body();
        assertThat(values(counts, "eventId", "capacity", "registered", "waitlisted", "admitted", "admittedLastMinute",
                "scansLastMinute")).isEqualTo(d.event().id() + "/10/2/0/1/1/1");
        assertThat(counts.get("gates")).hasSize(1);
        assertThat(values(counts.get("gates").get(0), "gate", "admitted", "admittedLastMinute")).isEqualTo("north/1/1");
    }

    @Test
    void onlyOwnersAdminsAndTheEventsOwnDoorStaffUseTheDoor() {
        ResourceDoor d = door("Guarded door club");
        Event next = services.event(d.club(), "Next door", 10, Duration.ofHours(2));
        ApiCalls.User doorman = services.doorStaff(d.club(), d.event(), "Doorman");
        Route scan = new Route("POST", "/api/events/%s/checkins", Map.of("qr", d.qr(), "scanId", "guard-1", "gate", "north"));

        ResourceEvents.assertGuarded(api, d.event().id(), d.club().owner(), d.club().member("Member"), "event_not_found", scan,
                new Route("POST", "/api/events/%s/checkins/batch",
                        Map.of("scans", List.of(offline(d.qr(), "guard-2", Instant.now())))),
                new Route("GET", "/api/events/%s/checkin-bundle", null), new Route("GET", "/api/events/%s/checkins/stats", null));
        scan.send(api.as(doorman), next.id()).assertError(403, "forbidden");
        assertThat(d.stored()).isEqualTo("0 admitted, 0 scans");

        assertThat(result(scan.send(api.as(doorman), d.event().id()))).isEqualTo("admitted");
        assertThat(d.get(doorman, "/checkin-bundle").status()).isEqualTo(200);
        assertThat(d.get(doorman, "/checkins/stats").status()).isEqualTo(200);
    }
}
