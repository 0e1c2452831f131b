package com.koomy.api.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceTests;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link AuthResource} alone, as {@link AccountsRoutes} registers it: its bodies' validation, its access rules and what it answers. */
class AuthResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(AuthResource.class, t -> t.accounts().register(t.app(), t.limiter()));

    private static String email(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
    }

    @Test
    void registerAnswers201WithTheAccountAndQueuesItsVerificationEmail() {
        String email = email("ada");
        ApiReply created = api.anonymous().post("/api/auth/register",
                Map.of("email", email, "password", "correct horse battery", "name", "Ada Lovelace", "locale", "fr"));

        assertThat(created.status()).isEqualTo(201);
        JsonNode me = created.body();
        UUID id = UUID.fromString(me.get("id").asText());
        assertThat(me.get("email").asText()).isEqualTo(email);
        assertThat(me.get("name").asText()).isEqualTo("Ada Lovelace");
        assertThat(me.get("locale").asText()).isEqualTo("fr");
        assertThat(me.get("emailVerified").asBoolean()).isFalse();
        assertThat(me.get("platformOperator").asBoolean()).isFalse();
        assertThat(Instant.parse(me.get("createdAt").asText())).isBefore(Instant.now().plusSeconds(1)); // ISO text
        assertThat(me.has("passwordHash")).isFalse();
        String stored = api.jdbi().withHandle(h -> h.createQuery("SELECT name FROM accounts WHERE id = :id").bind("id", id)
                .mapTo(String.class).one());
        assertThat(stored).isEqualTo("Ada Lovelace");
        assertThat(verifyUrl(email)).contains("token=");
    }

    @Test
    void registerRefusesEachKindOfBadBodyNamingTheFieldAndCreatesNothing() {
        long accounts = api.count("accounts");
        long emails = api.count("emails");
        Map<String, Object> good = Map.of("email", email("bad"), "password", "correct horse battery", "name", "Bad", "locale", "en");

        assertFields(register(without(good, "email")), "validation_failed", "email");
        assertFields(register(with(good, "name", "  ")), "validation_failed", "name");
        assertFields(register(with(good, "name", "n".repeat(201))), "validation_failed", "name");
        assertFields(register(with(good, "password", "short")), "validation_failed", "password");
        assertFields(register(with(good, "locale", "de")), "validation_failed", "locale");
        assertFields(register(with(good, "name", 42)), "validation_failed", "name");
        assertFields(register(with(good, "platformOperator", true)), "unknown_field", "platformOperator");
        assertFields(register(with(good, "email", "not-an-address")), "invalid_email", "email");
        assertFields(api.anonymous().send("POST", "/api/auth/register", "null"), "invalid_request", "body");
        api.anonymous().send("POST", "/api/auth/register", "{\"email\":").assertError(400, "invalid_json");

        assertThat(api.count("accounts")).isEqualTo(accounts);
        assertThat(api.count("emails")).isEqualTo(emails);
    }

    @Test
    void registerAnswers409ForAnEmailAlreadyTakenInAnySpelling() {
        ApiCalls.User taken = api.account("Taken");
        register(Map.of("email", taken.email().toUpperCase(), "password", "correct horse battery", "name", "Again"))
                .assertError(409, "email_taken");
    }

    @Test
    void loginAnswersASessionThatSignsInAndRefusesWrongCredentialsAlike() {
        ApiCalls.User user = api.account("Grace");

        ApiReply login = api.anonymous().post("/api/auth/login", Map.of("email", user.email(), "password", ResourceTests.PASSWORD));
        assertThat(login.status()).isEqualTo(200);
        String token = login.body().get("token").asText();
        assertThat(Instant.parse(login.body().get("expiresAt").asText()))
                .isBeforeOrEqualTo(Instant.parse(login.body().get("absoluteExpiresAt").asText()));
        assertThat(api.bearer(token).get("/api/me").body().get("id").asText()).isEqualTo(user.id().toString());

        api.anonymous().post("/api/auth/login", Map.of("email", user.email(), "password", "wrong password"))
                .assertError(401, "invalid_credentials");
        api.anonymous().post("/api/auth/login", Map.of("email", email("nobody"), "password", ResourceTests.PASSWORD))
                .assertError(401, "invalid_credentials");
        assertFields(api.anonymous().post("/api/auth/login", Map.of("email", user.email())), "validation_failed", "password");
        assertFields(api.anonymous().post("/api/auth/login", Map.of("email", user.email(), "password", 12345678)),
                "validation_failed", "password");
    }

    @Test
    void meAndLogoutNeedASessionAndLogoutEndsIt() {
        ApiCalls.User user = api.account("Linus");

        ApiReply anonymous = api.anonymous().get("/api/me");
        anonymous.assertError(401, "unauthorized");
        assertThat(anonymous.header("WWW-Authenticate")).hasValue("Bearer realm=\"koomy\"");
        api.bearer("no-such-session").get("/api/me").assertError(401, "invalid_session");
        api.operator().get("/api/me").assertError(401, "unauthorized"); // the operator token is no account
        api.anonymous().post("/api/auth/logout", null).assertError(401, "unauthorized");

        JsonNode me = api.as(user).get("/api/me").body();
        assertThat(me.get("email").asText()).isEqualTo(user.email());
        assertThat(me.get("name").asText()).isEqualTo("Linus");

        assertThat(api.as(user).post("/api/auth/logout", null).status()).isEqualTo(204);
        api.as(user).get("/api/me").assertError(401, "invalid_session");
    }

    @Test
    void passwordResetAnswers202AlikeAndEmailsOnlyAnExistingAccount() {
        ApiCalls.User user = api.account("Reset");
        long emails = api.count("emails");

        assertThat(api.anonymous().post("/api/auth/password-reset", Map.of("email", email("nobody"))).status()).isEqualTo(202);
        assertThat(api.count("emails")).isEqualTo(emails);
        assertThat(api.anonymous().post("/api/auth/password-reset", Map.of("email", user.email())).status()).isEqualTo(202);
        assertThat(api.count("emails")).isEqualTo(emails + 1);

        assertFields(api.anonymous().post("/api/auth/password-reset", Map.of("email", "")), "validation_failed", "email");
        assertFields(api.anonymous().post("/api/auth/password-reset", Map.of("email", user.email(), "x", 1)),
                "unknown_field", "x");
        assertThat(api.count("emails")).isEqualTo(emails + 1);
    }

    @Test
    void resetConfirmationAndEmailVerificationRefuseUnknownTokensAndBadPasswords() {
        assertFields(api.anonymous().post("/api/auth/password-reset/confirm",
                Map.of("token", "unknown", "password", "a new long password")), "invalid_token", "token");
        assertFields(api.anonymous().post("/api/auth/password-reset/confirm",
                Map.of("token", "unknown", "password", "short")), "validation_failed", "password");
        assertFields(api.anonymous().post("/api/auth/password-reset/confirm",
                Map.of("token", "t".repeat(201), "password", "a new long password")), "validation_failed", "token");
        assertFields(api.anonymous().post("/api/auth/verify-email", Map.of("token", "unknown")), "invalid_token", "token");
        assertFields(api.anonymous().post("/api/auth/verify-email", Map.of()), "validation_failed", "token");
    }

    @Test
    void verifyEmailAnswers204AndMarksTheAccountVerified() {
        ApiCalls.User user = api.account("Verified");
        String url = verifyUrl(user.email());
        String token = URLDecoder.decode(url.substring(url.indexOf("token=") + 6), StandardCharsets.UTF_8);

        assertThat(api.anonymous().post("/api/auth/verify-email", Map.of("token", token)).status()).isEqualTo(204);

        assertThat(api.as(user).get("/api/me").body().get("emailVerified").asBoolean()).isTrue();
        assertThat(api.as(api.account("Other")).get("/api/me").body().get("emailVerified").asBoolean()).isFalse();
    }

    private static ApiReply register(Map<String, Object> body) {
        return api.anonymous().post("/api/auth/register", body);
    }

    private static Map<String, Object> with(Map<String, Object> body, String field, Object value) {
        Map<String, Object> changed = new java.util.HashMap<>(body);
        changed.put(field, value);
        return changed;
    }

    private static Map<String, Object> without(Map<String, Object> body, String field) {
        Map<String, Object> changed = new java.util.HashMap<>(body);
        changed.remove(field);
        return changed;
    }

    private static String verifyUrl(String email) {
        return api.jdbi().withHandle(h -> h.createQuery("""
                        SELECT variables ->> 'verifyUrl' FROM emails
                         WHERE template = 'email_verification' AND recipients -> 0 ->> 'email' = :email
                        """).bind("email", email).mapTo(String.class).one());
    }
}
