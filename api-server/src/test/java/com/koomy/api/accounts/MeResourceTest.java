package com.koomy.api.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceTests;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link MeResource} alone, as {@link AccountsRoutes} registers it: my profile, password, email and sessions. */
class MeResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(MeResource.class, t -> t.accounts().register(t.app(), t.limiter()));

    @Test
    void everyRouteButTheEmailConfirmationNeedsASession() {
        api.anonymous().patch("/api/me", Map.of("name", "X")).assertError(401, "unauthorized");
        api.anonymous().post("/api/me/password", Map.of("currentPassword", "a", "newPassword", "b")).assertError(401, "unauthorized");
        api.anonymous().post("/api/me/email", Map.of("currentPassword", "a", "newEmail", "b@example.org"))
                .assertError(401, "unauthorized");
        api.anonymous().get("/api/me/sessions").assertError(401, "unauthorized");
        api.anonymous().delete("/api/me/sessions/abc").assertError(401, "unauthorized");
        api.bearer("expired-or-unknown").get("/api/me/sessions").assertError(401, "invalid_session");
        // anyone may confirm: the token is the credential
        assertFields(api.anonymous().post("/api/me/email/confirm", Map.of("token", "unknown")), "invalid_token", "token");
    }

    @Test
    void patchChangesOnlyTheFieldsSentAndAnswersTheAccount() {
        ApiCalls.User user = api.account("Before");

        ApiReply renamed = api.as(user).patch("/api/me", Map.of("name", "After"));
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.body().get("name").asText()).isEqualTo("After");
        assertThat(renamed.body().get("locale").asText()).isEqualTo("en");
        assertThat(renamed.body().get("email").asText()).isEqualTo(user.email());

        JsonNode relocated = api.as(user).patch("/api/me", Map.of("locale", "fr")).body();
        assertThat(relocated.get("name").asText()).isEqualTo("After");
        assertThat(relocated.get("locale").asText()).isEqualTo("fr");
        assertThat(name(user)).isEqualTo("After");
    }

    @Test
    void patchRefusesBadFieldsAndChangesNothing() {
        ApiCalls.User user = api.account("Kept");

        assertFields(api.as(user).patch("/api/me", Map.of("name", " ")), "invalid_name", "name");
        assertFields(api.as(user).patch("/api/me", Map.of("name", "n".repeat(201))), "invalid_name", "name");
        assertFields(api.as(user).patch("/api/me", Map.of("locale", "de")), "invalid_locale", "locale");
        assertFields(api.as(user).patch("/api/me", Map.of("name", 7)), "validation_failed", "name");
        assertFields(api.as(user).patch("/api/me", Map.of("name", "New", "email", "x@example.org")), "unknown_field", "email");
        assertFields(api.as(user).send("PATCH", "/api/me", "null"), "invalid_request", "body");

        assertThat(name(user)).isEqualTo("Kept");
    }

    @Test
    void passwordChangeNeedsTheCurrentPasswordAndSignsOutTheOtherSessions() {
        ApiCalls.User user = api.account("Pass");
        String other = api.accounts().sessions().create(user.id()).token();

        assertFields(api.as(user).post("/api/me/password", Map.of("newPassword", "another long one")),
                "validation_failed", "currentPassword");
        api.as(user).post("/api/me/password", Map.of("currentPassword", "wrong", "newPassword", "another long one"))
                .assertError(400, "wrong_password");
        api.as(user).post("/api/me/password", Map.of("currentPassword", ResourceTests.PASSWORD, "newPassword", "short"))
                .assertError(400, "invalid_password");
        api.as(user).post("/api/me/password", Map.of("currentPassword", ResourceTests.PASSWORD, "newPassword", ResourceTests.PASSWORD))
                .assertError(400, "same_password");
        assertThat(api.bearer(other).get("/api/me/sessions").status()).isEqualTo(200);

        assertThat(api.as(user).post("/api/me/password",
                Map.of("currentPassword", ResourceTests.PASSWORD, "newPassword", "another long one")).status()).isEqualTo(204);
        api.bearer(other).get("/api/me/sessions").assertError(401, "invalid_session");
        assertThat(api.as(user).get("/api/me/sessions").status()).isEqualTo(200);
    }

    @Test
    void emailChangeIsConfirmedWithTheTokenSentToTheNewAddress() {
        ApiCalls.User user = api.account("Mover");
        ApiCalls.User taken = api.account("Taken");
        String newEmail = "moved-" + user.email();

        assertFields(api.as(user).post("/api/me/email", Map.of("currentPassword", ResourceTests.PASSWORD)),
                "validation_failed", "newEmail");
        api.as(user).post("/api/me/email", Map.of("currentPassword", "wrong", "newEmail", newEmail))
                .assertError(400, "wrong_password");
        assertFields(api.as(user).post("/api/me/email", Map.of("currentPassword", ResourceTests.PASSWORD, "newEmail", "nope")),
                "invalid_email", "newEmail");
        api.as(user).post("/api/me/email", Map.of("currentPassword", ResourceTests.PASSWORD, "newEmail", user.email()))
                .assertError(400, "same_email");
        api.as(user).post("/api/me/email", Map.of("currentPassword", ResourceTests.PASSWORD, "newEmail", taken.email()))
                .assertError(409, "email_taken");
        assertThat(api.count("account_tokens WHERE purpose = 'email_change'")).isZero();

        assertThat(api.as(user).post("/api/me/email",
                Map.of("currentPassword", ResourceTests.PASSWORD, "newEmail", newEmail)).status()).isEqualTo(202);
        assertThat(api.as(user).get("/api/me/sessions").status()).isEqualTo(200);
        assertFields(api.anonymous().post("/api/me/email/confirm", Map.of("token", "")), "validation_failed", "token");
        assertThat(api.anonymous().post("/api/me/email/confirm", Map.of("token", confirmToken(newEmail))).status()).isEqualTo(204);
        String stored = api.jdbi().withHandle(h -> h.createQuery("SELECT email FROM accounts WHERE id = :id")
                .bind("id", user.id()).mapTo(String.class).one());
        assertThat(stored).isEqualTo(newEmail);
    }

    @Test
    void sessionsAreListedWithTheCurrentOneAndRevokedOnlyByTheirAccount() {
        ApiCalls.User user = api.account("Devices");
        ApiCalls.User stranger = api.account("Stranger");
        api.accounts().sessions().create(user.id());

        JsonNode items = api.as(user).get("/api/me/sessions").body().get("items");
        assertThat(items).hasSize(2);
        JsonNode current = items.get(0).get("current").asBoolean() ? items.get(0) : items.get(1);
        JsonNode otherOne = current == items.get(0) ? items.get(1) : items.get(0);
        assertThat(current.get("current").asBoolean()).isTrue();
        assertThat(otherOne.get("current").asBoolean()).isFalse();
        assertThat(current.get("createdAt").isTextual()).isTrue();

        api.as(stranger).delete("/api/me/sessions/" + otherOne.get("id").asText()).assertError(404, "session_not_found");
        api.as(user).delete("/api/me/sessions/no-such-session").assertError(404, "session_not_found");
        assertThat(api.as(user).delete("/api/me/sessions/" + otherOne.get("id").asText()).status()).isEqualTo(204);
        assertThat(api.as(user).get("/api/me/sessions").body().get("items")).hasSize(1);
    }

    private static String name(ApiCalls.User user) {
        return api.jdbi().withHandle(h -> h.createQuery("SELECT name FROM accounts WHERE id = :id").bind("id", user.id())
                .mapTo(String.class).one());
    }

    private static String confirmToken(String newEmail) {
        String url = api.jdbi().withHandle(h -> h.createQuery("""
                        SELECT variables ->> 'confirmUrl' FROM emails
                         WHERE template = 'email_change_confirm' AND recipients -> 0 ->> 'email' = :email
                        """).bind("email", newEmail).mapTo(String.class).one());
        return URLDecoder.decode(url.substring(url.indexOf("token=") + 6), StandardCharsets.UTF_8);
    }
}
