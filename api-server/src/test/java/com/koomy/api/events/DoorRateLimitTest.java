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

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every gate of a venue shares one address (and often one staff account): door routes count against
 * their own, larger {@code door} policy instead of {@code perClient} and {@code perAccount}, while the
 * rest of the API keeps its limits.
 */
class DoorRateLimitTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.withRateLimits(db,
            ConfigOverride.config("cardKeySecret", EventFixtures.KEY_SECRET),
            ConfigOverride.config("rateLimits.policies.perClient.requests", "40"),
            ConfigOverride.config("rateLimits.policies.perClient.period", "1 hour"),
            ConfigOverride.config("rateLimits.policies.perAccount.requests", "40"),
            ConfigOverride.config("rateLimits.policies.perAccount.period", "1 hour"),
            ConfigOverride.config("rateLimits.policies.door.requests", "150"),
            ConfigOverride.config("rateLimits.policies.door.period", "1 hour"));

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort());
    private final EventFixtures fx = new EventFixtures(api, db, app);

    @Test
    void doorRoutesHaveTheirOwnBudgetAndTheRestKeepsItsOwn() {
        User owner = api.user("Owner Gate"); // register + login
        UUID club = api.community(owner, "Gate Club", "public", "open");
        UUID event = fx.event(club, owner, 10);
        String qr = fx.ticket(event, fx.member(club, "Guest Gate"));

        // 100 door requests from one address and one account, far over perClient and perAccount (40).
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            statuses.add(fx.scan(event, owner, qr, "scan-" + i, "gate-" + (i % 5)).status());
        }
        for (int i = 0; i < 40; i++) {
            statuses.add(api.get("/api/events/" + event + "/checkins/stats", owner.token()).status());
        }
        assertThat(statuses).containsOnly(200);

        // The door policy still ends somewhere (150 an hour here) ...
        ApiReply refused = null;
        for (int i = 0; i < 80 && refused == null; i++) {
            ApiReply reply = fx.scan(event, owner, qr, "over-" + i, "gate-0");
            refused = reply.status() == 429 ? reply : null;
        }
        assertThat(refused).isNotNull();
        assertThat(refused.code()).isEqualTo("rate_limited");

        // ... and the door requests did not use the rest of the API's budget.
        assertThat(api.get("/api/communities/" + club + "/events", owner.token()).status()).isEqualTo(200);
    }
}
