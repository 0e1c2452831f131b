package com.koomy.api.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceTests;
import com.koomy.api.communities.CommunitiesRoutes;
import com.koomy.communities.Communities;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@link AccountDeletionResource} alone, as the app registers it: request, restore, status. */
class AccountDeletionResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(AccountDeletionResource.class, DeletionWiring::register);

    @Test
    void requestAndStatusNeedASession() {
        api.anonymous().send("DELETE", "/api/me", Map.of("currentPassword", "x")).assertError(401, "unauthorized");
        api.anonymous().get("/api/me/deletion").assertError(401, "unauthorized");
        api.operator().get("/api/me/deletion").assertError(401, "unauthorized");
    }

    @Test
    void aRefusedRequestNamesTheFieldAndChangesNothing() {
        ApiCalls.User user = api.account("Careful");

        assertFields(api.as(user).send("DELETE", "/api/me", Map.of()), "validation_failed", "currentPassword");
        assertFields(api.as(user).send("DELETE", "/api/me", Map.of("currentPassword", 42)), "validation_failed", "currentPassword");
        assertFields(api.as(user).send("DELETE", "/api/me", Map.of("currentPassword", ResourceTests.PASSWORD, "now", true)),
                "unknown_field", "now");
        assertFields(api.as(user).send("DELETE", "/api/me", null), "invalid_request", "body");
        assertFields(api.as(user).send("DELETE", "/api/me", Map.of("currentPassword", "wrong")), "wrong_password", "currentPassword");

        JsonNode status = api.as(user).get("/api/me/deletion").body();
        assertThat(status.get("status").asText()).isEqualTo("active");
        assertThat(status.get("steps")).isEmpty();
        assertThat(pending(user)).isFalse();
    }

    @Test
    void aRequestAnswers202PendingWithItsLogAndSignsEverySessionOut() {
        ApiCalls.User user = api.account("Leaving");

        ApiReply deleted = api.as(user).send("DELETE", "/api/me", Map.of("currentPassword", ResourceTests.PASSWORD));

        assertThat(deleted.status()).isEqualTo(202);
        JsonNode deletion = deleted.body();
        assertThat(deletion.get("accountId").asText()).isEqualTo(user.id().toString());
        assertThat(deletion.get("status").asText()).isEqualTo("pending");
        Instant requested = Instant.parse(deletion.get("requestedAt").asText());
        // config/api.yml's accountDeletion.grace
        assertThat(Instant.parse(deletion.get("scheduledErasureAt").asText()))
                .isCloseTo(requested.plus(api.app().config().getAccountDeletion().getGrace().toJavaDuration()), within(Duration.ofSeconds(1)));
        assertThat(steps(deletion)).containsExactly("requested", "memberships_ended", "sessions_revoked");
        api.as(user).get("/api/me/deletion").assertError(401, "invalid_session");
    }

    @Test
    void theLastOwnerOfACommunityIsRefused409NamingIt() {
        ApiCalls.User owner = api.account("Owner");
        UUID community = new CommunitiesRoutes(api.app()).communities().create(owner.id(),
                new Communities.NewCommunity("Chorale du quartier", null, "public", "open", "fr", null)).id();

        ApiReply refused = api.as(owner).send("DELETE", "/api/me", Map.of("currentPassword", ResourceTests.PASSWORD));

        refused.assertError(409, "last_owner");
        assertThat(refused.body().path("error").path("details").path("communityIds").get(0).asText()).isEqualTo(community.toString());
        assertThat(api.as(owner).get("/api/me/deletion").body().get("status").asText()).isEqualTo("active");
    }

    @Test
    void restoreSignsInAndCancelsAPendingDeletion() {
        ApiCalls.User user = api.account("Regret");
        api.as(user).send("DELETE", "/api/me", Map.of("currentPassword", ResourceTests.PASSWORD));

        assertFields(api.anonymous().post("/api/me/restore", Map.of("email", user.email())), "validation_failed", "password");
        assertFields(api.anonymous().post("/api/me/restore", Map.of("email", user.email(), "password", "x", "name", "y")),
                "unknown_field", "name");
        api.anonymous().post("/api/me/restore", Map.of("email", user.email(), "password", "wrong"))
                .assertError(401, "invalid_credentials");
        assertThat(pending(user)).isTrue();

        ApiReply restored = api.anonymous().post("/api/me/restore", Map.of("email", user.email(), "password", ResourceTests.PASSWORD));
        assertThat(restored.status()).isEqualTo(200);
        assertThat(restored.body().get("expiresAt").isTextual()).isTrue();
        assertThat(restored.body().get("deletion").get("status").asText()).isEqualTo("active");
        JsonNode status = api.bearer(restored.body().get("token").asText()).get("/api/me/deletion").body();
        assertThat(status.get("status").asText()).isEqualTo("active");
        assertThat(steps(status)).startsWith("requested").hasSizeGreaterThan(3);

        api.anonymous().post("/api/me/restore", Map.of("email", user.email(), "password", ResourceTests.PASSWORD))
                .assertError(409, "not_pending_deletion");
    }

    private static boolean pending(ApiCalls.User user) {
        return api.count("accounts WHERE deletion_requested_at IS NOT NULL AND id = '" + user.id() + "'") == 1;
    }

    private static List<String> steps(JsonNode deletion) {
        List<String> steps = new ArrayList<>();
        deletion.get("steps").forEach(s -> steps.add(s.get("step").asText()));
        return steps;
    }
}
