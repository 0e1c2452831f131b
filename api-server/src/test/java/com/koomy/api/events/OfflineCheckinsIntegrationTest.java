package com.koomy.api.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Scans a door took offline, uploaded later in a batch: the earliest scan of a ticket wins, a replay changes nothing. */
class OfflineCheckinsIntegrationTest {

    @RegisterExtension
    static TestStack<ApiConfiguration> stack = EventFixtures.stack();

    private final ApiCalls api = new ApiCalls(() -> stack.app.getLocalPort()).checkingContract();
    private final EventFixtures fx = new EventFixtures(api, stack);

    @Test
    void offlineScansUploadedLaterAreDecidedByTheEarliestScan() {
        User owner = api.user("Owner Offline");
        UUID club = api.community(owner, "Offline Club", "public", "open");
        UUID event = fx.event(club, owner, 50);
        List<User> people = fx.members(club, "Offline", 4);
        String a = fx.ticket(event, people.get(0));
        String b = fx.ticket(event, people.get(1));
        String c = fx.ticket(event, people.get(2));
        String gone = fx.ticket(event, people.get(3));
        api.call("DELETE", "/api/events/" + event + "/registrations/" + EventFixtures.ticketId(gone), people.get(3).token(), null);
        Instant now = Instant.now();

        // b entered online just now; c too. Offline gate saw a (never scanned online), b earlier, c later.
        assertThat(EventFixtures.result(fx.scan(event, owner, b, "online-b", "main"))).isEqualTo("admitted");
        assertThat(EventFixtures.result(fx.scan(event, owner, c, "online-c", "main"))).isEqualTo("admitted");
        List<Map<String, Object>> scans = List.of(
                offline(a, "off-a", now.minusSeconds(600)),
                offline(b, "off-b", now.minusSeconds(300)),
                offline(c, "off-c", now.plusSeconds(1)),
                offline(a, "off-a-again", now.minusSeconds(500)),
                offline("not a ticket", "off-x", now.minusSeconds(100)),
                offline(gone, "off-gone", now.minusSeconds(50)));
        ApiReply batch = api.call("POST", "/api/events/" + event + "/checkins/batch", owner.token(), Map.of("scans", scans));
        assertThat(batch.status()).as(batch.body().toString()).isEqualTo(200);
        JsonNode results = batch.body().get("results");
        assertThat(results.get(0).get("result").asText()).isEqualTo("admitted");
        assertThat(results.get(0).get("conflict").isNull()).isTrue();
        assertThat(results.get(1).get("result").asText()).isEqualTo("admitted");
        assertThat(results.get(1).get("conflict").get("scanId").asText()).isEqualTo("online-b");
        assertThat(results.get(1).get("conflict").get("superseded").asBoolean()).isTrue();
        assertThat(results.get(2).get("result").asText()).isEqualTo("already_admitted");
        assertThat(results.get(2).get("conflict").get("scanId").asText()).isEqualTo("online-c");
        assertThat(results.get(3).get("result").asText()).isEqualTo("already_admitted");
        assertThat(results.get(3).get("conflict").get("scanId").asText()).isEqualTo("off-a");
        assertThat(results.get(4).get("result").asText()).isEqualTo("invalid");
        assertThat(results.get(5).get("result").asText()).isEqualTo("revoked");
        assertThat(results.get(5).get("holder").get("name").asText()).isEqualTo("Offline 3");
        assertThat(batch.body().get("admitted").asInt()).isEqualTo(2);
        assertThat(batch.body().get("conflicts").asInt()).isEqualTo(3);
        assertThat(fx.count("SELECT count(*) FROM checkins WHERE event_id = ?", event)).isEqualTo(3);
        assertThat(fx.count("SELECT count(*) FROM checkins WHERE event_id = ? AND scan_id = 'off-b' AND offline", event)).isEqualTo(1);

        // Uploading the same batch again (the scanner never got the answer) changes nothing and answers the same.
        ApiReply again = api.call("POST", "/api/events/" + event + "/checkins/batch", owner.token(), Map.of("scans", scans));
        for (int i = 0; i < 4; i++) {
            assertThat(again.body().get("results").get(i).get("result").asText()).isEqualTo(results.get(i).get("result").asText());
            assertThat(again.body().get("results").get(i).get("replayed").asBoolean()).isTrue();
        }
        assertThat(fx.count("SELECT count(*) FROM checkin_scans WHERE event_id = ?", event)).isEqualTo(7);

        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add(offline(a, "many-" + i, now));
        }
        assertThat(api.call("POST", "/api/events/" + event + "/checkins/batch", owner.token(), Map.of("scans", tooMany)).code())
                .isEqualTo("validation_failed");
        assertThat(api.call("POST", "/api/events/" + event + "/checkins/batch", owner.token(), Map.of("scans", List.of())).code())
                .isEqualTo("validation_failed");
        assertThat(fx.count("SELECT count(*) FROM checkin_scans WHERE event_id = ?", event)).isEqualTo(7);
    }

    private static Map<String, Object> offline(String qr, String scanId, Instant at) {
        return Map.of("qr", qr, "scanId", scanId, "gate", "side door", "scannedAt", at.toString());
    }
}
