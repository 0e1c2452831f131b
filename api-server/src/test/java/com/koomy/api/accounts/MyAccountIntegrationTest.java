package com.koomy.api.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestStack;
import io.dropwizard.testing.ConfigOverride;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A member's own account through the HTTP API (issue 21): profile, password, email change, sessions. */
class MyAccountIntegrationTest {

    private static final String PASSWORD = "correct horse battery";

    @RegisterExtension
    static TestStack<ApiConfiguration> stack = ApiTestApp.stack(ConfigOverride.config("publicUrl", "https://app.koomy.test"));

    private final ApiCalls api = new ApiCalls(() -> stack.app.getLocalPort());

    private String login(String email, String password, String userAgent) {
        byte[] body = ("{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}").getBytes(StandardCharsets.UTF_8);
        ApiReply r = api.send("POST", "/api/auth/login", null, "application/json", body, "User-Agent", userAgent);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().get("token").asText();
    }

    private int loginStatus(String email, String password) {
        return api.call("POST", "/api/auth/login", null, Map.of("email", email, "password", password)).status();
    }

    private JsonNode me(String token) {
        ApiReply r = api.get("/api/me", token);
        assertThat(r.status()).isEqualTo(200);
        return r.body();
    }

    /** The emails of this template to this address, newest first: their variables. */
    private List<JsonNode> emails(String template, String address) {
        return stack.db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT variables::text FROM emails
                         WHERE template = :template AND recipients -> 0 ->> 'email' = :email
                         ORDER BY created_at DESC
                        """).bind("template", template).bind("email", address).mapTo(String.class).list())
                .stream().map(MyAccountIntegrationTest::json).toList();
    }

    private static JsonNode json(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String token(String url) {
        return URLDecoder.decode(url.substring(url.indexOf("token=") + 6), StandardCharsets.UTF_8);
    }

    @Test
    void nameAndLocaleChangeAndBadValuesChangeNothing() {
        User ada = api.user("Ada Lovelace");
        ApiReply changed = api.call("PATCH", "/api/me", ada.token(), Map.of("name", "  Ada King  ", "locale", "fr"));
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.body().get("name").asText()).isEqualTo("Ada King");
        assertThat(changed.body().get("locale").asText()).isEqualTo("fr");

        ApiReply onlyLocale = api.call("PATCH", "/api/me", ada.token(), Map.of("locale", "en"));
        assertThat(onlyLocale.body().get("name").asText()).isEqualTo("Ada King");
        assertThat(onlyLocale.body().get("locale").asText()).isEqualTo("en");

        ApiReply badLocale = api.call("PATCH", "/api/me", ada.token(), Map.of("name", "Somebody Else", "locale", "de"));
        assertThat(badLocale.status()).isEqualTo(400);
        assertThat(badLocale.code()).isEqualTo("invalid_locale");
        assertThat(badLocale.error().message()).startsWith("locale");
        ApiReply blankName = api.call("PATCH", "/api/me", ada.token(), Map.of("name", "   "));
        assertThat(blankName.code()).isEqualTo("invalid_name");
        ApiReply longName = api.call("PATCH", "/api/me", ada.token(), Map.of("name", "x".repeat(201)));
        assertThat(longName.code()).isEqualTo("invalid_name");
        ApiReply email = api.call("PATCH", "/api/me", ada.token(), Map.of("email", "other@example.org"));
        assertThat(email.status()).isEqualTo(400);
        assertThat(email.code()).isEqualTo("unknown_field");

        JsonNode after = me(ada.token());
        assertThat(after.get("name").asText()).isEqualTo("Ada King");
        assertThat(after.get("locale").asText()).isEqualTo("en");
        assertThat(after.get("email").asText()).isEqualTo(ada.email());
        assertThat(api.call("PATCH", "/api/me", null, Map.of("name", "Nobody")).status()).isEqualTo(401);
    }

    @Test
    void aPasswordChangeNeedsTheCurrentOneAndSignsOutEveryOtherSession() {
        User grace = api.user("Grace Hopper");
        String laptop = login(grace.email(), PASSWORD, "Laptop/1.0");

        ApiReply wrong = api.call("POST", "/api/me/password", grace.token(),
                Map.of("currentPassword", "not my password", "newPassword", "a brand new secret"));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.code()).isEqualTo("wrong_password");
        // a missing field is named before the password is checked (a wrong one here)
        ApiReply noNew = api.call("POST", "/api/me/password", grace.token(), Map.of("currentPassword", "not my password"));
        assertThat(noNew.code()).isEqualTo("validation_failed");
        assertThat(noNew.body().at("/error/details/fields/0/field").asText()).isEqualTo("newPassword");
        ApiReply tooShort = api.call("POST", "/api/me/password", grace.token(),
                Map.of("currentPassword", PASSWORD, "newPassword", "short"));
        assertThat(tooShort.code()).isEqualTo("invalid_password");
        ApiReply same = api.call("POST", "/api/me/password", grace.token(),
                Map.of("currentPassword", PASSWORD, "newPassword", PASSWORD));
        assertThat(same.code()).isEqualTo("same_password");
        // Refused: both sessions still work, the old password still signs in.
        assertThat(api.get("/api/me", laptop).status()).isEqualTo(200);
        assertThat(loginStatus(grace.email(), PASSWORD)).isEqualTo(200);

        ApiReply changed = api.call("POST", "/api/me/password", grace.token(),
                Map.of("currentPassword", PASSWORD, "newPassword", "a brand new secret"));
        assertThat(changed.status()).isEqualTo(204);
        assertThat(api.get("/api/me", grace.token()).status()).as("the session that changed it").isEqualTo(200);
        assertThat(api.get("/api/me", laptop).status()).as("every other session").isEqualTo(401);
        assertThat(loginStatus(grace.email(), PASSWORD)).isEqualTo(401);
        assertThat(loginStatus(grace.email(), "a brand new secret")).isEqualTo(200);
    }

    @Test
    void anEmailChangeAppliesOnlyOnceTheNewAddressConfirmsIt() {
        User alan = api.user("Alan Turing");
        User taken = api.user("Someone Else");
        String newEmail = "alan.new-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";

        ApiReply wrong = api.call("POST", "/api/me/email", alan.token(), Map.of("currentPassword", "guess", "newEmail", newEmail));
        assertThat(wrong.code()).isEqualTo("wrong_password");
        ApiReply noEmail = api.call("POST", "/api/me/email", alan.token(), Map.of("currentPassword", "guess"));
        assertThat(noEmail.code()).isEqualTo("validation_failed");
        assertThat(noEmail.body().at("/error/details/fields/0/field").asText()).isEqualTo("newEmail");
        ApiReply invalid = api.call("POST", "/api/me/email", alan.token(), Map.of("currentPassword", PASSWORD, "newEmail", "not-an-address"));
        assertThat(invalid.code()).isEqualTo("invalid_email");
        ApiReply same = api.call("POST", "/api/me/email", alan.token(), Map.of("currentPassword", PASSWORD,
                "newEmail", alan.email().toUpperCase()));
        assertThat(same.code()).isEqualTo("same_email");
        ApiReply clash = api.call("POST", "/api/me/email", alan.token(), Map.of("currentPassword", PASSWORD,
                "newEmail", " " + taken.email().toUpperCase() + " "));
        assertThat(clash.status()).isEqualTo(409);
        assertThat(clash.code()).isEqualTo("email_taken");
        assertThat(emails("email_change_confirm", newEmail)).isEmpty();
        assertThat(emails("email_change_notice", alan.email())).isEmpty();

        // Spelled differently from its normal form: stored and compared normalized.
        ApiReply asked = api.call("POST", "/api/me/email", alan.token(), Map.of("currentPassword", PASSWORD,
                "newEmail", newEmail.toUpperCase()));
        assertThat(asked.status()).isEqualTo(202);
        List<JsonNode> confirmations = emails("email_change_confirm", newEmail);
        assertThat(confirmations).hasSize(1);
        assertThat(confirmations.get(0).get("confirmUrl").asText()).startsWith("https://app.koomy.test/confirm-email-change?token=");
        List<JsonNode> notices = emails("email_change_notice", alan.email());
        assertThat(notices).hasSize(1);
        assertThat(notices.get(0).toString()).doesNotContain(newEmail).doesNotContain("token");
        assertThat(notices.get(0).get("newEmail").asText()).isEqualTo("a***@example.org");
        // Nothing changed yet.
        assertThat(me(alan.token()).get("email").asText()).isEqualTo(alan.email());
        assertThat(loginStatus(newEmail, PASSWORD)).isEqualTo(401);

        String token = token(confirmations.get(0).get("confirmUrl").asText());
        assertThat(api.call("POST", "/api/me/email/confirm", null, Map.of("token", "not-a-token")).code()).isEqualTo("invalid_token");
        assertThat(api.call("POST", "/api/me/email/confirm", null, Map.of("token", token)).status()).isEqualTo(204);
        JsonNode after = me(alan.token());
        assertThat(after.get("email").asText()).isEqualTo(newEmail);
        assertThat(after.get("emailVerified").asBoolean()).isTrue();
        assertThat(loginStatus(newEmail, PASSWORD)).isEqualTo(200);
        assertThat(loginStatus(alan.email(), PASSWORD)).isEqualTo(401);
        ApiReply again = api.call("POST", "/api/me/email/confirm", null, Map.of("token", token));
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.code()).isEqualTo("invalid_token");
    }

    @Test
    void aSecondRequestVoidsTheFirstLinkAndATakenAddressIsRefusedAtConfirmation() {
        User hedy = api.user("Hedy Lamarr");
        String first = "hedy.one-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        String second = "hedy.two-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        assertThat(api.call("POST", "/api/me/email", hedy.token(), Map.of("currentPassword", PASSWORD, "newEmail", first)).status())
                .isEqualTo(202);
        String firstToken = token(emails("email_change_confirm", first).get(0).get("confirmUrl").asText());
        assertThat(api.call("POST", "/api/me/email", hedy.token(), Map.of("currentPassword", PASSWORD, "newEmail", second)).status())
                .isEqualTo(202);
        assertThat(api.call("POST", "/api/me/email/confirm", null, Map.of("token", firstToken)).code()).isEqualTo("invalid_token");

        // Someone registers the second address before Hedy confirms it: the link is refused, nothing changes.
        String secondToken = token(emails("email_change_confirm", second).get(0).get("confirmUrl").asText());
        assertThat(api.call("POST", "/api/auth/register", null, Map.of("email", second, "password", PASSWORD,
                "name", "Squatter", "locale", "en")).status()).isEqualTo(201);
        ApiReply refused = api.call("POST", "/api/me/email/confirm", null, Map.of("token", secondToken));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.code()).isEqualTo("email_taken");
        assertThat(me(hedy.token()).get("email").asText()).isEqualTo(hedy.email());
    }

    @Test
    void membersListTheirSessionsAndRevokeOneButNeverSomeoneElses() {
        User linus = api.user("Linus Pauling");
        String phone = login(linus.email(), PASSWORD, "KoomyPhone/2.3 (Android 14)");
        User other = api.user("Marie Curie");

        ApiReply listed = api.get("/api/me/sessions", phone);
        assertThat(listed.status()).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        listed.body().get("items").forEach(items::add);
        assertThat(items).hasSize(2);
        JsonNode current = items.stream().filter(s -> s.get("current").asBoolean()).findFirst().orElseThrow();
        JsonNode first = items.stream().filter(s -> !s.get("current").asBoolean()).findFirst().orElseThrow();
        assertThat(current.get("userAgent").asText()).isEqualTo("KoomyPhone/2.3 (Android 14)");
        assertThat(current.get("ipAddress").asText()).isNotBlank();
        assertThat(current.get("lastSeenAt").asText()).isNotBlank();
        assertThat(current.get("createdAt").asText()).isNotBlank();
        assertThat(current.get("id").asText()).doesNotContain(phone);

        // Another account's session id is unknown here, as is a made-up one; nothing is revoked.
        String othersId = api.get("/api/me/sessions", other.token()).body().get("items").get(0).get("id").asText();
        ApiReply foreign = api.call("DELETE", "/api/me/sessions/" + othersId, phone, null);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.code()).isEqualTo("session_not_found");
        assertThat(api.call("DELETE", "/api/me/sessions/" + "0".repeat(64), phone, null).status()).isEqualTo(404);
        assertThat(api.get("/api/me", other.token()).status()).isEqualTo(200);

        assertThat(api.call("DELETE", "/api/me/sessions/" + first.get("id").asText(), phone, null).status()).isEqualTo(204);
        assertThat(api.get("/api/me", linus.token()).status()).isEqualTo(401);
        assertThat(api.get("/api/me/sessions", phone).body().get("items")).hasSize(1);
        assertThat(api.call("DELETE", "/api/me/sessions/" + first.get("id").asText(), phone, null).status()).isEqualTo(404);
        // Revoking the current session signs this client out.
        assertThat(api.call("DELETE", "/api/me/sessions/" + current.get("id").asText(), phone, null).status()).isEqualTo(204);
        assertThat(api.get("/api/me", phone).status()).isEqualTo(401);
    }
}
