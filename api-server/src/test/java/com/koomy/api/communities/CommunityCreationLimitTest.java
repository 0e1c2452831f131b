package com.koomy.api.communities;

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

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An account creates at most {@code communitiesPerAccountPerDay} communities in 24 hours (each brings an AI
 * budget, a key pair and a public page of its own); joining or being made owner of others does not count.
 */
class CommunityCreationLimitTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.withRateLimits(db,
            ConfigOverride.config("communitiesPerAccountPerDay", "3"));

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort());

    private ApiReply create(User owner, String name) {
        return api.call("POST", "/api/communities", owner.token(), Map.of("name", name, "visibility", "public"));
    }

    @Test
    void anAccountCreatesAtMostTheDailyLimitOthersAreNotAffected() {
        User busy = api.user("Busy Founder");
        User other = api.user("Other Founder");
        UUID joined = api.community(other, "Joined Club", "public", "open");
        assertThat(api.call("POST", "/api/communities/" + joined + "/join", busy.token(), null).status()).isLessThan(300);

        for (int i = 1; i <= 3; i++) {
            assertThat(create(busy, "Busy Club " + i).status()).isEqualTo(201);
        }
        ApiReply refused = create(busy, "Busy Club 4");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("community_limit_reached");
        assertThat((long) db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM communities WHERE name = 'Busy Club 4'")
                .mapTo(Long.class).one())).isZero();

        // Created more than a day ago: no longer counted.
        db.jdbi().useHandle(h -> h.execute("""
                UPDATE communities SET created_at = created_at - interval '25 hours' WHERE name = 'Busy Club 1';
                UPDATE memberships m SET joined_at = c.created_at FROM communities c
                 WHERE c.id = m.community_id AND c.name = 'Busy Club 1'"""));
        assertThat(create(busy, "Busy Club 5").status()).isEqualTo(201);
        assertThat(create(other, "Other Club 2").status()).isEqualTo(201);
    }
}
