package com.koomy.api.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.communities.CommunityKeys;
import com.koomy.events.TicketCode;
import com.koomy.events.TicketKeys;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestStack;
import io.dropwizard.testing.ConfigOverride;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class CheckinsIntegrationTest {

    @RegisterExtension
    static TestStack<ApiConfiguration> stack = EventFixtures.stack(ConfigOverride.config("database.maxSize", "32"));

    private final ApiCalls api = new ApiCalls(() -> stack.app.getLocalPort()).checkingContract();
    private final EventFixtures fx = new EventFixtures(api, stack);

    private static String scanId() {
        return "scan-" + UUID.randomUUID();
    }

    @Test
    void aTicketIsAdmittedOnceAndARetryOfTheSameScanGetsTheSameAnswer() {
        User owner = api.user("Owner Door");
        UUID club = api.community(owner, "Door Club", "public", "open");
        UUID event = fx.event(club, owner, 50);
        User eve = fx.member(club, "Eve Door");
        String qr = fx.ticket(event, eve);

        ApiReply first = fx.scan(event, owner, qr, "scan-1", "north");
        assertThat(EventFixtures.result(first)).isEqualTo("admitted");
        assertThat(first.body().get("holder").get("name").asText()).isEqualTo("Eve Door 0");
        assertThat(first.body().get("replayed").asBoolean()).isFalse();
        String admittedAt = first.body().get("admittedAt").asText();

        ApiReply retry = fx.scan(event, owner, qr, "scan-1", "north");
        assertThat(EventFixtures.result(retry)).isEqualTo("admitted");
        assertThat(retry.body().get("replayed").asBoolean()).isTrue();
        assertThat(retry.body().get("admittedAt").asText()).isEqualTo(admittedAt);

        ApiReply second = fx.scan(event, owner, qr, "scan-2", "south");
        assertThat(EventFixtures.result(second)).isEqualTo("already_admitted");
        assertThat(second.body().get("admittedAt").asText()).isEqualTo(admittedAt);
        assertThat(second.body().get("admittedGate").asText()).isEqualTo("north");
        assertThat(fx.count("SELECT count(*) FROM checkins WHERE event_id = ?", event)).isEqualTo(1);
        assertThat(fx.count("SELECT count(*) FROM checkin_scans WHERE event_id = ?", event)).isEqualTo(2);

        // The same scan id with another ticket is a client bug: refused, nothing stored.
        String other = fx.ticket(event, fx.member(club, "Other Door"));
        ApiReply reused = fx.scan(event, owner, other, "scan-1", "north");
        assertThat(reused.status()).isEqualTo(409);
        assertThat(reused.code()).isEqualTo("scan_id_reused");
        assertThat(fx.count("SELECT count(*) FROM checkins WHERE event_id = ?", event)).isEqualTo(1);
        // Bad shapes are 422, not a scan.
        assertThat(api.call("POST", "/api/events/" + event + "/checkins", owner.token(),
                Map.of("qr", qr, "scanId", " ", "gate", "north")).code()).isEqualTo("validation_failed");
        assertThat(api.call("POST", "/api/events/" + event + "/checkins", owner.token(),
                Map.of("qr", qr, "scanId", "x", "gate", "north", "admit", true)).code()).isEqualTo("unknown_field");
    }

    @Test
    void forgedTamperedExpiredEarlyRevokedAndOtherEventCodesAreRefusedEachWithItsOwnResult() {
        User owner = api.user("Owner Refusals");
        UUID club = api.community(owner, "Refusal Club", "public", "open");
        UUID event = fx.event(club, owner, 50);
        UUID otherEvent = fx.event(club, owner, 50);
        UUID later = fx.event(club, owner, Duration.ofDays(3), 50, Map.of());
        List<User> people = fx.members(club, "Refused", 4);
        String valid = fx.ticket(event, people.get(0));

        String payload = valid.substring(0, valid.lastIndexOf('.'));
        String forged = payload + "." + "A".repeat(86);
        String tampered = payload.replace(event.toString(), otherEvent.toString()) + valid.substring(valid.lastIndexOf('.'));
        String serialBumped = payload.replaceFirst(":1:(\\d+):(\\d+)$", ":2:$1:$2") + valid.substring(valid.lastIndexOf('.'));
        assertThat(serialBumped).isNotEqualTo(valid);

        UUID foreignClub = api.community(owner, "Foreign Club", "public", "open");
        UUID foreignEvent = fx.event(foreignClub, owner, 5);
        String foreign = fx.ticket(foreignEvent, fx.member(foreignClub, "Foreign Member"));

        TicketKeys keys = new TicketKeys(new CommunityKeys(stack.db.jdbi(), EventFixtures.KEY_SECRET));
        UUID ticketId = EventFixtures.ticketId(valid);
        String expired = keys.signer(club).apply(new TicketCode(null, ticketId, event, 1,
                Instant.now().minus(Duration.ofDays(3)), Instant.now().minus(Duration.ofDays(2))));
        String early = fx.ticket(later, people.get(1));

        String cancelled = fx.ticket(event, people.get(2));
        api.call("DELETE", "/api/events/" + event + "/registrations/" + EventFixtures.ticketId(cancelled), people.get(2).token(), null);
        String reissuedOld = fx.ticket(event, people.get(3));
        ApiReply reissued = api.call("POST", "/api/events/" + event + "/registrations/" + EventFixtures.ticketId(reissuedOld)
                + "/reissue", people.get(3).token(), null);
        String reissuedNew = reissued.body().get("qr").asText();

        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("hello world", "invalid");
        expected.put("", "invalid");
        expected.put(forged, "invalid");
        expected.put(tampered, "invalid");
        expected.put(serialBumped, "invalid");
        expected.put(foreign, "invalid");
        expected.put(fx.ticket(otherEvent, people.get(0)), "wrong_event");
        expected.put(expired, "expired");
        expected.put(cancelled, "revoked");
        expected.put(reissuedOld, "revoked");
        expected.put(reissuedNew, "admitted");
        expected.forEach((qr, outcome) -> assertThat(EventFixtures.result(fx.scan(event, owner, qr, scanId(), "main")))
                .as(qr).isEqualTo(outcome));
        assertThat(EventFixtures.result(fx.scan(later, owner, early, scanId(), "main"))).isEqualTo("not_yet_valid");
        // Only the one valid ticket was admitted; the refusals of signed codes were stored, the others not.
        assertThat(fx.count("SELECT count(*) FROM checkins WHERE event_id = ?", event)).isEqualTo(1);
        assertThat(fx.count("SELECT count(*) FROM checkin_scans WHERE event_id = ? AND result = 'revoked'", event)).isEqualTo(2);
        assertThat(fx.count("SELECT count(*) FROM checkin_scans WHERE event_id = ? AND result = 'invalid'", event)).isZero();
    }

    @Test
    void gatesScanningTheSameTicketsAtOnceAdmitEachExactlyOnce() throws Exception {
        User owner = api.user("Owner Rush Door");
        UUID club = api.community(owner, "Rush Door Club", "public", "open");
        UUID event = fx.event(club, owner, 100);
        List<String> qrs = new ArrayList<>();
        for (User u : fx.members(club, "Crowd", 30)) {
            qrs.add(fx.ticket(event, u));
        }
        int gates = 8;
        ExecutorService pool = Executors.newFixedThreadPool(gates * 2);
        Map<String, List<Future<ApiReply>>> byTicket = new HashMap<>();
        for (String qr : qrs) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ApiReply>> replies = new ArrayList<>();
            for (int g = 0; g < gates; g++) {
                String gate = "gate-" + g;
                String id = scanId();
                replies.add(pool.submit(() -> { go.await(); return fx.scan(event, owner, qr, id, gate); }));
                // Each gate also retries its own scan at once (a timeout on the scanner's side).
                replies.add(pool.submit(() -> { go.await(); return fx.scan(event, owner, qr, id, gate); }));
            }
            go.countDown();
            byTicket.put(qr, replies);
        }
        for (Map.Entry<String, List<Future<ApiReply>>> entry : byTicket.entrySet()) {
            Map<String, List<String>> answersByScan = new HashMap<>();
            int admitted = 0;
            for (Future<ApiReply> f : entry.getValue()) {
                ApiReply r = f.get();
                String outcome = EventFixtures.result(r);
                assertThat(outcome).isIn("admitted", "already_admitted");
                if (outcome.equals("admitted") && !r.body().get("replayed").asBoolean()) {
                    admitted++;
                }
                answersByScan.computeIfAbsent(r.body().get("scanId").asText(), k -> new ArrayList<>()).add(outcome);
            }
            // A scan and its retry always agree; one gate's scan admitted the ticket.
            answersByScan.values().forEach(pair -> assertThat(pair.get(0)).isEqualTo(pair.get(1)));
            assertThat(answersByScan.values().stream().filter(p -> p.get(0).equals("admitted")).count()).isEqualTo(1);
            assertThat(admitted).isBetween(1, 2);
        }
        pool.shutdown();
        assertThat(fx.count("SELECT count(*) FROM checkins WHERE event_id = ?", event)).isEqualTo(30);
        assertThat(fx.count("SELECT count(*) FROM checkin_scans WHERE event_id = ? AND result = 'admitted'", event)).isEqualTo(30);
        assertThat(fx.count("SELECT count(*) FROM checkin_scans WHERE event_id = ?", event)).isEqualTo(30L * gates);

        ApiReply stats = api.get("/api/events/" + event + "/checkins/stats", owner.token());
        assertThat(stats.status()).isEqualTo(200);
        assertThat(stats.body().get("admitted").asLong()).isEqualTo(30);
        assertThat(stats.body().get("registered").asInt()).isEqualTo(30);
        assertThat(stats.body().get("scansLastMinute").asLong()).isEqualTo(30L * gates);
        long perGate = 0;
        for (JsonNode gate : stats.body().get("gates")) {
            perGate += gate.get("admitted").asLong();
        }
        assertThat(perGate).isEqualTo(30);
    }

    @Test
    void onlyOwnersAdminsAndTheEventsDoorStaffMayScan() {
        User owner = api.user("Owner Staff");
        UUID club = api.community(owner, "Staff Club", "public", "open");
        UUID event = fx.event(club, owner, 50);
        UUID otherEvent = fx.event(club, owner, 50);
        List<User> people = fx.members(club, "Staffing", 3);
        User volunteer = people.get(0);
        String qr = fx.ticket(event, people.get(1));
        User stranger = api.user("Door Stranger");

        assertThat(fx.scan(event, volunteer, qr, scanId(), "a").status()).isEqualTo(403);
        assertThat(fx.scan(event, stranger, qr, scanId(), "a").code()).isEqualTo("event_not_found");
        assertThat(api.get("/api/events/" + event + "/checkin-bundle", volunteer.token()).status()).isEqualTo(403);
        assertThat(api.get("/api/events/" + event + "/checkins/stats", stranger.token()).status()).isEqualTo(404);

        assertThat(api.call("PUT", "/api/events/" + event + "/staff/" + volunteer.id(), volunteer.token(), null).status()).isEqualTo(403);
        assertThat(api.call("PUT", "/api/events/" + event + "/staff/" + stranger.id(), owner.token(), null).code())
                .isEqualTo("not_active_member");
        assertThat(api.call("PUT", "/api/events/" + event + "/staff/" + volunteer.id(), owner.token(), null).status()).isEqualTo(201);
        assertThat(api.call("PUT", "/api/events/" + event + "/staff/" + volunteer.id(), owner.token(), null).status()).isEqualTo(200);
        assertThat(api.get("/api/events/" + event + "/staff", owner.token()).body().get("items").get(0).get("accountId").asText())
                .isEqualTo(volunteer.id().toString());

        assertThat(EventFixtures.result(fx.scan(event, volunteer, qr, scanId(), "a"))).isEqualTo("admitted");
        assertThat(api.get("/api/events/" + event + "/checkin-bundle", volunteer.token()).status()).isEqualTo(200);
        // Door staff of one event only.
        assertThat(fx.scan(otherEvent, volunteer, qr, scanId(), "a").status()).isEqualTo(403);

        assertThat(api.call("DELETE", "/api/events/" + event + "/staff/" + volunteer.id(), owner.token(), null).status()).isEqualTo(204);
        assertThat(fx.scan(event, volunteer, qr, scanId(), "a").status()).isEqualTo(403);
    }
}
