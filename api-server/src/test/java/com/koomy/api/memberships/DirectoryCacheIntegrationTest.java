package com.koomy.api.memberships;

import com.codahale.metrics.MetricRegistry;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The directory answered before Jersey with pages kept 1 s in memory (the default): rights stay exact. */
class DirectoryCacheIntegrationTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db);

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort());

    private ApiReply directory(UUID community, User caller) {
        return api.get("/api/communities/" + community + "/members", caller.token());
    }

    private List<String> names(UUID community, User caller) {
        ApiReply page = directory(community, caller);
        assertThat(page.status()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        page.body().get("items").forEach(item -> names.add(item.get("name").asText() + "/" + item.get("role").asText()));
        return names;
    }

    private static long hits() {
        MetricRegistry metrics = app.getEnvironment().metrics();
        return metrics.meter("koomy.cache.directory-local.hits").getCount();
    }

    private void change(UUID community, User caller, User target, Map<String, String> body) {
        assertThat(api.call("PATCH", "/api/communities/" + community + "/members/" + target.id(), caller.token(), body)
                .status()).isEqualTo(200);
    }

    @Test
    void pagesComeFromMemoryButEveryReadChecksTheCallersRight() {
        User owner = api.user("Olga Owner");
        User admin = api.user("Adam Admin");
        User member = api.user("Mia Member");
        UUID id = api.community(owner, "Cached Directory Club", "public", "open");
        for (User user : List.of(admin, member)) {
            assertThat(api.call("POST", "/api/communities/" + id + "/join", user.token(), null).status()).isEqualTo(201);
        }
        change(id, owner, admin, Map.of("role", "admin"));

        List<String> first = names(id, owner);
        long before = hits();
        assertThat(names(id, admin)).isEqualTo(first); // another manager, the same page
        assertThat(hits()).isGreaterThan(before);
        assertThat(first).containsExactly("Adam Admin/admin", "Mia Member/member", "Olga Owner/owner");

        // A member never gets the cached page, and neither does an outsider or a signed-out caller.
        assertThat(directory(id, member).status()).isEqualTo(403);
        assertThat(directory(id, member).code()).isEqualTo("forbidden");
        assertThat(directory(id, api.user("Olaf Outsider")).status()).isEqualTo(404);
        assertThat(api.get("/api/communities/" + id + "/members", null).status()).isEqualTo(401);
        assertThat(api.get("/api/communities/" + id + "/members?limit=0", owner.token()).code()).isEqualTo("invalid_limit");

        // A change through this API shows at once (its pages are dropped), and a demoted admin loses the
        // directory on the very next read although the page is still in memory.
        change(id, owner, admin, Map.of("role", "member"));
        assertThat(directory(id, admin).status()).isEqualTo(403);
        assertThat(names(id, owner)).containsExactly("Adam Admin/member", "Mia Member/member", "Olga Owner/owner");

        // A change made elsewhere (another instance, a payment, a renamed account) shows within the 1 s TTL.
        db.jdbi().useHandle(h -> h.execute("UPDATE accounts SET name = 'Abel Renamed' WHERE id = ?", member.id()));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(names(id, owner)).containsExactly("Abel Renamed/member", "Adam Admin/member", "Olga Owner/owner"));
    }
}
