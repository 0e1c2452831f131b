package com.koomy.api.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class AuthIntegrationTest {

    private static final String OPS_TOKEN = "ops-token-auth-test-0123456789";

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db, ConfigOverride.config("opsToken", OPS_TOKEN),
            ConfigOverride.config("publicUrl", "https://api.koomy.test"), ConfigOverride.config("appUrl", "https://app.koomy.test"));

    private Invocation.Builder call(String path, String token) {
        Invocation.Builder builder = app.client().target("http://localhost:" + app.getLocalPort() + path).request();
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    private static String email() {
        return "user-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
    }

    private int register(String email, String password) {
        try (Response r = call("/api/auth/register", null).post(Entity.json(Map.of("email", email, "password", password,
                "name", "Ada Lovelace", "locale", "en")))) {
            return r.getStatus();
        }
    }

    private String login(String email, String password) {
        try (Response r = call("/api/auth/login", null).post(Entity.json(Map.of("email", email, "password", password)))) {
            assertThat(r.getStatus()).isEqualTo(200);
            JsonNode body = r.readEntity(JsonNode.class);
            assertThat(body.get("expiresAt").asText()).isNotBlank();
            return body.get("token").asText();
        }
    }

    private int status(Invocation.Builder request) {
        try (Response r = request.get()) {
            return r.getStatus();
        }
    }

    /** The token in the link of the newest email of this template to this address. */
    private String tokenFromEmail(String email, String template, String variable) {
        String url = db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT variables ->> :variable FROM emails
                         WHERE template = :template AND recipients -> 0 ->> 'email' = :email
                         ORDER BY created_at DESC LIMIT 1
                        """).bind("variable", variable).bind("template", template).bind("email", email)
                .mapTo(String.class).one());
        assertThat(url).startsWith("https://app.koomy.test/");
        return URLDecoder.decode(url.substring(url.indexOf("token=") + 6), StandardCharsets.UTF_8);
    }

    @Test
    void registerSignInAndSeeMyself() {
        String email = email();
        try (Response r = call("/api/auth/register", null).post(Entity.json(Map.of("email", email.toUpperCase(),
                "password", "correct horse battery", "name", "Ada Lovelace", "locale", "en")))) {
            assertThat(r.getStatus()).isEqualTo(201);
            JsonNode me = r.readEntity(JsonNode.class);
            assertThat(me.get("email").asText()).isEqualTo(email);
            assertThat(me.get("emailVerified").asBoolean()).isFalse();
            assertThat(me.has("passwordHash")).isFalse();
        }
        String hash = db.jdbi().withHandle(h -> h.createQuery("SELECT password_hash FROM accounts WHERE email = :e")
                .bind("e", email).mapTo(String.class).one());
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(tokenFromEmail(email, "email_verification", "verifyUrl")).hasSizeGreaterThan(40);

        String token = login(email, "correct horse battery");
        try (Response r = call("/api/me", token).get()) {
            assertThat(r.getStatus()).isEqualTo(200);
            assertThat(r.readEntity(JsonNode.class).get("email").asText()).isEqualTo(email);
        }
        assertThat(register(email, "another password")).isEqualTo(409);
    }

    @Test
    void badRegistrationsChangeNothing() {
        long before = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM accounts").mapTo(Long.class).one());
        assertThat(register("not-an-email", "correct horse battery")).isEqualTo(400);
        assertThat(register(email(), "short")).isEqualTo(400);
        try (Response r = call("/api/auth/register", null).post(Entity.json(Map.of("email", email(), "password", "long enough pw",
                "name", "", "locale", "en")))) {
            assertThat(r.getStatus()).isEqualTo(400);
            JsonNode error = r.readEntity(JsonNode.class).path("error");
            assertThat(error.get("code").asText()).isEqualTo("validation_failed");
            assertThat(error.path("details").path("fields").findValuesAsText("field")).containsExactly("name");
        }
        try (Response r = call("/api/auth/register", null).post(Entity.json(Map.of("email", email(), "password", "long enough pw",
                "name", "Bob", "locale", "de")))) {
            assertThat(r.getStatus()).isEqualTo(400);
        }
        long after = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM accounts").mapTo(Long.class).one());
        assertThat(after).isEqualTo(before);
    }

    @Test
    void wrongCredentialsAndBadTokensAreRefused() {
        String email = email();
        register(email, "correct horse battery");
        for (Map<String, String> wrong : new Map[]{Map.of("email", email, "password", "wrong horse battery"),
                Map.of("email", "nobody-" + email, "password", "correct horse battery")}) {
            try (Response r = call("/api/auth/login", null).post(Entity.json(wrong))) {
                assertThat(r.getStatus()).isEqualTo(401);
                assertThat(ApiReply.errorIn(r.readEntity(JsonNode.class)).code()).isEqualTo("invalid_credentials");
            }
        }
        assertThat(status(call("/api/me", null))).isEqualTo(401);
        assertThat(status(call("/api/me", "not-a-session-token"))).isEqualTo(401);
    }

    @Test
    void logoutRevokesTheSession() {
        String email = email();
        register(email, "correct horse battery");
        String first = login(email, "correct horse battery");
        String second = login(email, "correct horse battery");

        try (Response r = call("/api/auth/logout", first).post(Entity.json("{}"))) {
            assertThat(r.getStatus()).isEqualTo(204);
        }
        assertThat(status(call("/api/me", first))).isEqualTo(401);
        assertThat(status(call("/api/me", second))).isEqualTo(200);
    }

    @Test
    void passwordResetByEmailSignsEverySessionOut() {
        String email = email();
        register(email, "correct horse battery");
        String session = login(email, "correct horse battery");

        try (Response r = call("/api/auth/password-reset", null).post(Entity.json(Map.of("email", email)))) {
            assertThat(r.getStatus()).isEqualTo(202);
        }
        try (Response r = call("/api/auth/password-reset", null).post(Entity.json(Map.of("email", "nobody-" + email)))) {
            assertThat(r.getStatus()).isEqualTo(202); // same answer: no account discovery
        }
        String token = tokenFromEmail(email, "password_reset", "resetUrl");
        try (Response r = call("/api/auth/password-reset/confirm", null).post(Entity.json(Map.of("token", token,
                "password", "a brand new secret")))) {
            assertThat(r.getStatus()).isEqualTo(204);
        }
        assertThat(status(call("/api/me", session))).isEqualTo(401);
        try (Response r = call("/api/auth/password-reset/confirm", null).post(Entity.json(Map.of("token", token,
                "password", "yet another secret")))) {
            assertThat(r.getStatus()).isEqualTo(400); // used once
        }
        try (Response r = call("/api/auth/login", null).post(Entity.json(Map.of("email", email, "password", "correct horse battery")))) {
            assertThat(r.getStatus()).isEqualTo(401);
        }
        login(email, "a brand new secret");
    }

    @Test
    void verifyingTheEmailQueuesTheWelcome() {
        String email = email();
        register(email, "correct horse battery");
        String token = tokenFromEmail(email, "email_verification", "verifyUrl");

        try (Response r = call("/api/auth/verify-email", null).post(Entity.json(Map.of("token", token)))) {
            assertThat(r.getStatus()).isEqualTo(204);
        }
        try (Response r = call("/api/me", login(email, "correct horse battery")).get()) {
            assertThat(r.readEntity(JsonNode.class).get("emailVerified").asBoolean()).isTrue();
        }
        int welcomes = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM emails WHERE template = 'welcome' "
                + "AND recipients -> 0 ->> 'email' = :e").bind("e", email).mapTo(Integer.class).one());
        assertThat(welcomes).isEqualTo(1);
        try (Response r = call("/api/auth/verify-email", null).post(Entity.json(Map.of("token", token)))) {
            assertThat(r.getStatus()).isEqualTo(400);
        }
    }

    @Test
    void operatorAccountsMayCallOpsRoutesAndOthersMayNot() {
        String email = email();
        register(email, "correct horse battery");
        String session = login(email, "correct horse battery");
        assertThat(status(call("/api/ops/outbox", session))).isEqualTo(403);

        db.jdbi().useHandle(h -> com.koomy.accounts.Accounts.setOperator(h, email, true));
        assertThat(status(call("/api/ops/outbox", session))).isEqualTo(200);
        assertThat(status(call("/api/ops/outbox", OPS_TOKEN))).isEqualTo(200); // the token still works
    }
}
