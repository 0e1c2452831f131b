package com.koomy.api.events;

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

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Offline batches cost the codes they verify (a signature check each), counted per account
 * ({@code doorCodes}) and per event ({@code doorCodesPerEvent}), not one request; a batch whose first
 * 50 codes are all forged stops there (422 forged_batch) and costs those 50, which every batch pays before
 * its body is read (a client over its budget is refused without parsing it).
 */
class DoorBatchCostTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.withRateLimits(db,
            ConfigOverride.config("cardKeySecret", EventFixtures.KEY_SECRET),
            ConfigOverride.config("rateLimits.policies.doorCodes.requests", "150"),
            ConfigOverride.config("rateLimits.policies.doorCodes.period", "1 hour"),
            ConfigOverride.config("rateLimits.policies.doorCodesPerEvent.requests", "200"),
            ConfigOverride.config("rateLimits.policies.doorCodesPerEvent.period", "1 hour"));

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort());
    private final EventFixtures fx = new EventFixtures(api, db, app);

    @Test
    void offlineBatchesCostTheCodesTheyVerifyAndForgedBatchesStopEarly() {
        User owner = api.user("Owner Batches");
        UUID club = api.community(owner, "Batch Club", "public", "open");
        UUID event = fx.event(club, owner, 10);
        String valid = fx.ticket(event, fx.member(club, "Guest Batch"));
        String forged = valid.substring(0, valid.lastIndexOf('.')) + "." + "A".repeat(86);

        // 60 forged codes: refused after the first 50 (which is all it costs), nothing recorded.
        ApiReply stopped = batch(event, owner, "forged", valid, forged, 0, 60);
        assertThat(stopped.status()).as(stopped.body().toString()).isEqualTo(422);
        assertThat(stopped.code()).isEqualTo("forged_batch");
        assertThat(fx.count("SELECT count(*) FROM checkin_scans WHERE event_id = ?", event)).isZero();
        // No longer than the prefix: answered code by code as before (20 codes).
        assertThat(batch(event, owner, "short", valid, forged, 0, 20).body().get("scans").asInt()).isEqualTo(20);

        // One real ticket first: every code is verified and counted (50 + 20 + 30 = 100 of the account's 150).
        ApiReply mixed = batch(event, owner, "mixed", valid, forged, 1, 30);
        assertThat(mixed.status()).as(mixed.body().toString()).isEqualTo(200);
        assertThat(mixed.body().get("admitted").asInt()).isEqualTo(1);

        // Four requests so far, far under the door's request limit, but 60 more codes are over the account's
        // 150: refused once read, and the 50 codes a batch pays before it is read stay spent ...
        ApiReply refused = batch(event, owner, "over", valid, forged, 1, 60);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("rate_limited");
        // ... so the account cannot even send a batch now: refused before its body is read.
        ApiReply unread = batch(event, owner, "unread", valid, forged, 1, 1);
        assertThat(unread.status()).isEqualTo(429);
        assertThat(fx.count("SELECT count(*) FROM checkin_scans WHERE event_id = ? AND scan_id LIKE 'unread-%'", event)).isZero();

        // The event's budget (200) is shared by its gates: a volunteer gets the 100 codes left there, not 150, ...
        User volunteer = fx.member(club, "Volunteer Batch");
        assertThat(api.call("PUT", "/api/events/" + event + "/staff/" + volunteer.id(), owner.token(), null).status())
                .isEqualTo(201);
        assertThat(batch(event, volunteer, "volunteer-over", valid, forged, 1, 110).status()).isEqualTo(429);
        assertThat(batch(event, volunteer, "volunteer", valid, forged, 1, 100).status()).isEqualTo(200);
        // ... while another event's door is untouched.
        User other = api.user("Owner Elsewhere");
        UUID otherClub = api.community(other, "Elsewhere Club", "public", "open");
        UUID otherEvent = fx.event(otherClub, other, 10);
        String otherValid = fx.ticket(otherEvent, fx.member(otherClub, "Guest Elsewhere"));
        assertThat(batch(otherEvent, other, "elsewhere", otherValid, forged, 1, 140).status()).isEqualTo(200);
    }

    /** {@code validCount} times the valid code, then forged ones, {@code size} scans in all. */
    private ApiReply batch(UUID event, User scanner, String prefix, String valid, String forged, int validCount, int size) {
        List<Map<String, Object>> scans = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            scans.add(Map.of("qr", i < validCount ? valid : forged, "scanId", prefix + "-" + i, "gate", "gate-b",
                    "scannedAt", Instant.now().minusSeconds(60).toString()));
        }
        return api.call("POST", "/api/events/" + event + "/checkins/batch", scanner.token(), Map.of("scans", scans));
    }
}
