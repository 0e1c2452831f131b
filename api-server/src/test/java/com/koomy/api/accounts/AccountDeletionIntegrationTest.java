package com.koomy.api.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.accounts.AccountErasure;
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

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * "Delete my account" through the HTTP API (issue 21, GDPR art. 17): the request ends memberships and seats and
 * signs out everywhere; signing in again through the restore route keeps the account; the erasure job, run with a
 * clock past the grace period, erases and pseudonymises while payments stay; refusals change nothing.
 */
class AccountDeletionIntegrationTest {

    private static final String PASSWORD = "correct horse battery";
    private static final String OPS_TOKEN = "ops-token-account-deletion-0123456789";

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("opsToken", OPS_TOKEN),
            ConfigOverride.config("cardKeySecret", Base64.getEncoder().encodeToString(new byte[32])));

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort()).checkingContract();
    private final DeletionFixtures fx = new DeletionFixtures(api, db);

    @Test
    void aRequestEndsMembershipsReleasesSeatsAndSignsOutEverywhere() {
        User owner = api.user("Olga Owner");
        UUID club = api.community(owner, "Deletion Club", "public", "open");
        User ada = fx.member(club, "Ada Leaving");
        User bob = fx.member(club, "Bob Waiting");
        String laptop = fx.login(ada.email(), PASSWORD);
        UUID membersOnly = fx.event(club, owner, 1, "members");
        UUID open = fx.event(club, owner, 10, "public");
        UUID adaSeat = fx.register(membersOnly, ada, "confirmed");
        UUID bobSeat = fx.register(membersOnly, bob, "waitlisted");
        UUID adaPublicSeat = fx.register(open, ada, "confirmed");

        ApiReply deleted = fx.deleteMe(ada, Map.of("currentPassword", PASSWORD));
        assertThat(deleted.status()).as(deleted.body().toString()).isEqualTo(202);
        assertThat(deleted.body().get("status").asText()).isEqualTo("pending");
        Instant erasure = Instant.parse(deleted.body().get("scheduledErasureAt").asText());
        assertThat(erasure).isCloseTo(Instant.now().plus(Duration.ofDays(30)), within(Duration.ofMinutes(5)));

        // Sessions: both gone; signing in is refused with the date, and names the way back.
        assertThat(api.get("/api/me", ada.token()).status()).isEqualTo(401);
        assertThat(api.get("/api/me", laptop).status()).isEqualTo(401);
        ApiReply signIn = api.call("POST", "/api/auth/login", null, Map.of("email", ada.email(), "password", PASSWORD));
        assertThat(signIn.status()).isEqualTo(403);
        assertThat(signIn.code()).isEqualTo("account_pending_deletion");
        assertThat(signIn.body().path("error").path("details").path("scheduledErasureAt").asText()).isEqualTo(erasure.toString());

        // Memberships ended, seats released (members-only and public), the waitlist promoted and emailed.
        assertThat(fx.count("SELECT count(*) FROM memberships WHERE account_id = ?", ada.id())).isZero();
        assertThat(fx.ticketStatus(adaSeat)).isEqualTo("cancelled");
        assertThat(fx.ticketStatus(adaPublicSeat)).isEqualTo("cancelled");
        assertThat(fx.ticketStatus(bobSeat)).isEqualTo("confirmed");
        assertThat(fx.count("SELECT count(*) FROM emails WHERE idempotency_key = ?", "ticket:" + bobSeat + ":1")).isEqualTo(1);
        assertThat(fx.count("SELECT count(*) FROM emails WHERE template = 'account_deletion_requested' "
                + "AND recipients -> 0 ->> 'email' = ?", ada.email())).isEqualTo(1);
        // The community's page counts one member fewer at once (cache invalidated after the commit).
        assertThat(api.get("/api/communities/" + club, owner.token()).body().toString()).contains("\"activeMembers\":2");

        JsonNode seen = fx.deletionSeenByOperator(ada.id(), OPS_TOKEN);
        assertThat(seen.get("status").asText()).isEqualTo("pending");
        assertThat(DeletionFixtures.steps(seen)).containsExactly("requested", "memberships_ended", "sessions_revoked");
        JsonNode ended = seen.get("steps").get(1);
        assertThat(ended.get("actor").asText()).isEqualTo("account");
        assertThat(ended.get("details").get("communityIds").get(0).asText()).isEqualTo(club.toString());
        assertThat(ended.get("details").get("seatsReleased").asInt()).isEqualTo(2);
        assertThat(api.get("/api/ops/accounts/" + ada.id() + "/deletion", owner.token()).status()).isEqualTo(403);
        assertThat(api.get("/api/ops/accounts/" + UUID.randomUUID() + "/deletion", OPS_TOKEN).code()).isEqualTo("account_not_found");
    }

    @Test
    void signingInAgainThroughTheRestoreRouteWithinTheGracePeriodKeepsTheAccount() {
        User grace = api.user("Grace Changing Mind");
        assertThat(fx.deleteMe(grace, Map.of("currentPassword", PASSWORD)).status()).isEqualTo(202);

        ApiReply wrong = fx.restore(grace.email(), "not the password");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.code()).isEqualTo("invalid_credentials");
        assertThat(fx.restore("nobody-" + UUID.randomUUID() + "@example.org", PASSWORD).code()).isEqualTo("invalid_credentials");

        ApiReply restored = fx.restore(grace.email().toUpperCase(), PASSWORD);
        assertThat(restored.status()).as(restored.body().toString()).isEqualTo(200);
        String token = restored.body().get("token").asText();
        assertThat(restored.body().get("deletion").get("status").asText()).isEqualTo("active");
        assertThat(api.get("/api/me", token).status()).isEqualTo(200);
        assertThat(fx.login(grace.email(), PASSWORD)).isNotBlank();
        assertThat(api.call("POST", "/api/communities", token, Map.of("name", "Back Again", "visibility", "public",
                "joinPolicy", "open")).status()).as("the account is usable again").isEqualTo(201);

        ApiReply status = api.get("/api/me/deletion", token);
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.body().get("status").asText()).isEqualTo("active");
        assertThat(status.body().get("scheduledErasureAt").isNull()).isTrue();
        assertThat(DeletionFixtures.steps(status.body())).containsExactly("requested", "memberships_ended", "sessions_revoked", "cancelled");
        assertThat(fx.count("SELECT count(*) FROM emails WHERE template = 'account_restored' AND recipients -> 0 ->> 'email' = ?",
                grace.email())).isEqualTo(1);
        ApiReply again = fx.restore(grace.email(), PASSWORD);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("not_pending_deletion");

        // The erasure job, even run after the date first asked, leaves a restored account alone.
        AccountErasure late = new AccountErasure(db.jdbi(), ApiTestApp.sessions(app),
                Clock.offset(Clock.systemUTC(), Duration.ofDays(31)), 100);
        assertThat(late.erase(grace.id())).isEmpty();
        assertThat(api.get("/api/me", token).body().get("email").asText()).isEqualTo(grace.email());
    }

    @Test
    void theLastOwnerOfACommunityIsRefusedAndNothingChanges() {
        User olga = api.user("Olga Last Owner");
        UUID alone = api.community(olga, "Owned Alone", "public", "open");
        UUID shared = api.community(olga, "Owned Together", "public", "open");
        User coOwner = fx.member(shared, "Co Owner");
        assertThat(api.call("PATCH", "/api/communities/" + shared + "/members/" + coOwner.id(), olga.token(),
                Map.of("role", "owner")).status()).isEqualTo(200);
        User member = fx.member(alone, "Plain Member");

        ApiReply refused = fx.deleteMe(olga, Map.of("currentPassword", PASSWORD));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.code()).isEqualTo("last_owner");
        JsonNode ids = refused.body().path("error").path("details").path("communityIds");
        assertThat(ids).hasSize(1);
        assertThat(ids.get(0).asText()).isEqualTo(alone.toString());

        assertThat(api.get("/api/me", olga.token()).status()).isEqualTo(200);
        assertThat(fx.count("SELECT count(*) FROM memberships WHERE account_id = ? AND role = 'owner'", olga.id())).isEqualTo(2);
        assertThat(fx.count("SELECT count(*) FROM account_deletion_log WHERE account_id = ?", olga.id())).isZero();
        assertThat(fx.count("SELECT count(*) FROM emails WHERE template = 'account_deletion_requested' "
                + "AND recipients -> 0 ->> 'email' = ?", olga.email())).isZero();
        assertThat(api.get("/api/me/deletion", olga.token()).body().get("status").asText()).isEqualTo("active");

        // Handed over: the deletion goes through.
        assertThat(api.call("PATCH", "/api/communities/" + alone + "/members/" + member.id(), olga.token(),
                Map.of("role", "owner")).status()).isEqualTo(200);
        assertThat(fx.deleteMe(olga, Map.of("currentPassword", PASSWORD)).status()).isEqualTo(202);
        assertThat(fx.count("SELECT count(*) FROM memberships WHERE account_id = ?", olga.id())).isZero();
    }

    @Test
    void badInputIsAJsonErrorNamingTheFieldAndChangesNothing() {
        User alan = api.user("Alan Careful");
        ApiReply wrong = fx.deleteMe(alan, Map.of("currentPassword", "not my password"));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.code()).isEqualTo("wrong_password");
        assertThat(wrong.body().path("error").path("details").path("fields").get(0).get("field").asText())
                .isEqualTo("currentPassword");
        Map<String, Object> extra = new HashMap<>(Map.of("currentPassword", PASSWORD, "eraseNow", true));
        ApiReply unknown = fx.deleteMe(alan, extra);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.code()).isEqualTo("unknown_field");
        assertThat(unknown.body().toString()).contains("eraseNow");
        ApiReply missing = fx.deleteMe(alan, Map.of());
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().toString()).contains("currentPassword");
        ApiReply typed = fx.deleteMe(alan, Map.of("currentPassword", 12345));
        assertThat(typed.status()).isEqualTo(400);
        assertThat(typed.body().toString()).contains("currentPassword");
        assertThat(fx.deleteMe(alan, null).status()).isEqualTo(400);
        assertThat(api.call("DELETE", "/api/me", null, Map.of("currentPassword", PASSWORD)).status()).isEqualTo(401);

        ApiReply restoreUnknown = api.call("POST", "/api/me/restore", null,
                Map.of("email", alan.email(), "password", PASSWORD, "token", "x"));
        assertThat(restoreUnknown.status()).isEqualTo(400);
        assertThat(restoreUnknown.code()).isEqualTo("unknown_field");
        ApiReply restoreMissing = api.call("POST", "/api/me/restore", null, Map.of("email", alan.email()));
        assertThat(restoreMissing.status()).isEqualTo(400);
        assertThat(restoreMissing.body().toString()).contains("password");
        assertThat(fx.restore(alan.email(), PASSWORD).code()).as("not pending").isEqualTo("not_pending_deletion");

        assertThat(api.get("/api/me", alan.token()).status()).isEqualTo(200);
        assertThat(fx.count("SELECT count(*) FROM account_deletion_log WHERE account_id = ?", alan.id())).isZero();
        assertThat(fx.count("SELECT count(*) FROM accounts WHERE id = ? AND deletion_requested_at IS NULL", alan.id())).isEqualTo(1);
    }
}
