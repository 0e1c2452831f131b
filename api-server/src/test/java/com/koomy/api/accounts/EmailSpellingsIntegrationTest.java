package com.koomy.api.accounts;

import com.koomy.api.ApiCalls;
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
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One address, many spellings (issue 17): {@code İ} (which Java lower-cases to i + U+0307 and PostgreSQL's
 * lower() under C.UTF-8 to a plain i), full-width letters and {@code ＠}, a trailing dot on the domain, upper
 * case. Registered with one spelling, the account is found with every other for sign-in and password
 * reset, no other spelling registers a second account, and the per-email rate limits count every spelling
 * against the same budget.
 */
class EmailSpellingsIntegrationTest {

    private static final String PASSWORD = "correct horse battery";

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.withRateLimits(db,
            ConfigOverride.config("rateLimits.policies.login.requests", "1000"),
            ConfigOverride.config("rateLimits.policies.register.requests", "1000"),
            ConfigOverride.config("rateLimits.policies.register.period", "10 minutes"),
            ConfigOverride.config("rateLimits.policies.passwordReset.requests", "1000"),
            ConfigOverride.config("rateLimits.policies.passwordReset.period", "1 hour"),
            ConfigOverride.config("rateLimits.policies.passwordResetEmail.requests", "1000"),
            ConfigOverride.config("rateLimits.policies.passwordResetEmail.period", "1 hour"),
            ConfigOverride.config("rateLimits.policies.loginEmail.requests", "3"),
            ConfigOverride.config("rateLimits.policies.loginEmail.period", "1 hour"));

    private final ApiCalls api = new ApiCalls(app::getLocalPort);

    private ApiReply register(String email) {
        return api.call("POST", "/api/auth/register", null, Map.of("email", email, "password", PASSWORD, "name", "Spelling", "locale", "en"));
    }

    private int login(String email, String password) {
        return api.call("POST", "/api/auth/login", null, Map.of("email", email, "password", password)).status();
    }

    private static String tag() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Full-width spelling of an ASCII string (letters, digits, @ . - become U+FF01..U+FF5E). */
    private static String fullWidth(String ascii) {
        StringBuilder s = new StringBuilder();
        ascii.chars().forEach(c -> s.append(c > 0x20 && c < 0x7f ? (char) (c - 0x21 + 0xFF01) : (char) c));
        return s.toString();
    }

    /** At most 3 other spellings: every sign-in counts against the address's loginEmail budget (3 here). */
    private void assertOneAccountForEverySpelling(String registeredAs, String stored, List<String> others) {
        ApiReply created = register(registeredAs);
        assertThat(created.status()).as("register %s: %s", registeredAs, created.body()).isEqualTo(201);
        assertThat(created.body().get("email").asText()).isEqualTo(stored);
        UUID id = UUID.fromString(created.body().get("id").asText());
        for (String other : others) {
            assertThat(login(other, PASSWORD)).as("sign in as %s", other).isEqualTo(200);
            assertThat(register(other).status()).as("register again as %s", other).isEqualTo(409);
            assertThat(api.call("POST", "/api/auth/password-reset", null, Map.of("email", other)).status()).isEqualTo(202);
        }
        long resets = db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT count(*) FROM emails WHERE idempotency_key LIKE :key")
                .bind("key", "password-reset:" + id + ":%").mapTo(Long.class).one());
        assertThat(resets).as("a reset link for the account, whatever the spelling").isEqualTo(others.size());
        long accounts = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM accounts WHERE email = :e")
                .bind("e", stored).mapTo(Long.class).one());
        assertThat(accounts).isEqualTo(1);
    }

    @Test
    void dottedCapitalIIsOneAddressInEverySpelling() {
        String t = tag();
        // İ (U+0130) lower-cases to i + U+0307 (Unicode); Ö to ö.
        assertOneAccountForEverySpelling("İlker.Öz-" + t + "@Example.org", "i\u0307lker.öz-" + t + "@example.org",
                List.of("i\u0307lker.öz-" + t + "@example.org", "İLKER.ÖZ-" + t.toUpperCase() + "@EXAMPLE.ORG",
                        "İlker.Öz-" + t + "@example.org."));
    }

    @Test
    void fullWidthLettersAreTheirAsciiLetters() {
        String t = tag();
        assertOneAccountForEverySpelling(fullWidth("wide-" + t + "@example.org"), "wide-" + t + "@example.org",
                List.of("WIDE-" + t.toUpperCase() + "@example.org", fullWidth("WIDE-" + t.toUpperCase()) + "＠example.org",
                        "wide-" + t + "@ｅｘａｍｐｌｅ．ｏｒｇ"));
    }

    @Test
    void theDomainsTrailingDotIsTheSameDomain() {
        String t = tag();
        assertOneAccountForEverySpelling("dot-" + t + "@example.org.", "dot-" + t + "@example.org",
                List.of("dot-" + t + "@example.org", "DOT-" + t.toUpperCase() + "@EXAMPLE.ORG.", " dot-" + t + "@example.org. "));
    }

    @Test
    void thePerEmailSignInLimitCountsEverySpellingOnce() {
        String t = tag();
        assertThat(register("limit-" + t + "@example.org").status()).isEqualTo(201);
        List<String> spellings = List.of("limit-" + t + "@example.org", "LIMIT-" + t.toUpperCase() + "@EXAMPLE.ORG.",
                fullWidth("limit-" + t) + "@example.org", "limit-" + t + "@ｅｘａｍｐｌｅ.org", "Limit-" + t + "@example.org");
        List<Integer> statuses = new ArrayList<>();
        for (String spelling : spellings) {
            statuses.add(login(spelling, "wrong password"));
        }
        // loginEmail: 3 an hour for the address, whichever way it is written.
        assertThat(statuses).containsExactly(401, 401, 401, 429, 429);
    }
}
