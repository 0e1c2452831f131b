package com.koomy.api.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.accounts.Accounts;
import com.koomy.accounts.PasswordHasher;
import com.koomy.accounts.SecretTokens;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.api.security.OpenApiExamples.Operation;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions and sign-in as an attacker sees them: tokens that cannot be guessed, tokens that stop working
 * everywhere once signed out or once the password changed, and a sign-in that takes the same time and
 * the same argon2id work whether or not the email has an account. Expiry and brute-force limits need
 * other settings: {@link SessionExpiryAndBruteForceTest}.
 */
class AuthenticationTest {

    private static final String PASSWORD = "correct horse battery";

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("opsToken", "ops-token-authentication-" + UUID.randomUUID()));

    private static ApiCalls api;
    private static JsonNode document;

    @BeforeAll
    static void setUp() {
        api = new ApiCalls(() -> app.getLocalPort());
        document = api.get("/api/openapi.json", null).body();
    }

    private static ApiReply login(String email, String password) {
        return api.call("POST", "/api/auth/login", null, Map.of("email", email, "password", password));
    }

    @Test
    void sessionTokensAreLongRandomAndNeverRepeat() {
        User user = api.user("Tina Tokens");
        Set<String> tokens = new HashSet<>();
        tokens.add(user.token());
        for (int i = 0; i < 40; i++) {
            ApiReply reply = login(user.email(), PASSWORD);
            assertThat(reply.status()).isEqualTo(200);
            tokens.add(reply.body().get("token").asText());
        }
        assertThat(tokens).as("41 sign-ins, 41 different tokens").hasSize(41);
        for (String token : tokens) {
            // base64url of 32 random bytes: 256 bits, nothing derived from the account or the time.
            assertThat(token).matches("[A-Za-z0-9_-]{43}");
            assertThat(Base64.getUrlDecoder().decode(token)).hasSize(32);
            assertThat(token).doesNotContain(user.id().toString().substring(0, 8));
        }
        // The generator behind them, at scale: no repeats, and every bit position set about half the time.
        int n = 100_000;
        Set<String> many = new HashSet<>(n * 2);
        int[] ones = new int[256];
        for (int i = 0; i < n; i++) {
            String token = SecretTokens.newToken();
            many.add(token);
            byte[] bytes = Base64.getUrlDecoder().decode(token);
            for (int bit = 0; bit < 256; bit++) {
                ones[bit] += (bytes[bit / 8] >> (bit % 8)) & 1;
            }
        }
        assertThat(many).hasSize(n);
        // Binomial(100000, 0.5): sigma is 158; 6 sigma either way is a broken generator, not bad luck.
        assertThat(Arrays.stream(ones).min().orElseThrow()).isGreaterThan(n / 2 - 950);
        assertThat(Arrays.stream(ones).max().orElseThrow()).isLessThan(n / 2 + 950);
    }

    /** Every documented route but the public ones refuses the token with a 401. */
    private static List<String> acceptedAnywhere(String token) {
        List<String> accepted = new ArrayList<>();
        for (Operation op : OpenApiExamples.operations(document)) {
            if (FunctionLevelAuthorizationTest.PUBLIC.containsKey(op.key())) {
                continue;
            }
            String path = OpenApiExamples.fill(op.path(), name -> UUID.randomUUID().toString());
            JsonNode body = op.bodyTypes().contains("application/json") ? OpenApiExamples.body(document, op.spec()) : null;
            ApiReply reply = api.send(op.method(), path, token, body == null ? null : "application/json",
                    body == null ? null : body.toString().getBytes(StandardCharsets.UTF_8));
            if (reply.status() != 401) {
                accepted.add(op.key() + " -> " + reply.status());
            }
        }
        return accepted;
    }

    @Test
    void aSignedOutTokenIsRefusedEverywhereAndOtherSessionsLiveOn() {
        User user = api.user("Lou Logout");
        String other = login(user.email(), PASSWORD).body().get("token").asText();
        assertThat(api.call("POST", "/api/auth/logout", user.token(), null).status()).isEqualTo(204);
        assertThat(acceptedAnywhere(user.token())).as("routes that still took the signed-out token").isEmpty();
        assertThat(api.call("POST", "/api/auth/logout", user.token(), null).status()).isEqualTo(401);
        assertThat(api.get("/api/me", other).status()).as("the account's other session").isEqualTo(200);
    }

    @Test
    void aPasswordChangeSignsEverySessionOutEverywhere() {
        User user = api.user("Pat Passwordchange");
        List<String> sessions = new ArrayList<>(List.of(user.token()));
        for (int i = 0; i < 3; i++) {
            sessions.add(login(user.email(), PASSWORD).body().get("token").asText());
        }
        User bystander = api.user("Bea Bystander");
        assertThat(api.call("POST", "/api/auth/password-reset", null, Map.of("email", user.email())).status()).isEqualTo(202);
        String url = db.jdbi().withHandle(h -> h.createQuery("SELECT variables->>'resetUrl' FROM emails "
                        + "WHERE template = 'password_reset' AND recipients->0->>'email' = :e")
                .bind("e", user.email().toLowerCase()).mapTo(String.class).one());
        String token = URLDecoder.decode(url.substring(url.indexOf("token=") + 6), StandardCharsets.UTF_8);
        assertThat(api.call("POST", "/api/auth/password-reset/confirm", null,
                Map.of("token", token, "password", "a brand new secret")).status()).isEqualTo(204);

        for (String session : sessions) {
            assertThat(api.get("/api/me", session).status()).isEqualTo(401);
        }
        assertThat(acceptedAnywhere(sessions.get(2))).as("routes that still took a session older than the new password").isEmpty();
        assertThat(login(user.email(), PASSWORD).status()).as("the old password").isEqualTo(401);
        assertThat(login(user.email(), "a brand new secret").status()).isEqualTo(200);
        assertThat(api.get("/api/me", bystander.token()).status()).as("another account's session").isEqualTo(200);
    }

    /** Counts argon2id verifications and the parameters they ran with (the part of the PHC string before the salt). */
    static final class CountingHasher extends PasswordHasher {
        final List<String> verifications = new ArrayList<>();

        @Override
        public boolean verify(String password, String encoded) {
            verifications.add(encoded.substring(0, encoded.lastIndexOf('$', encoded.lastIndexOf('$') - 1)));
            return super.verify(password, encoded);
        }
    }

    @Test
    void anUnknownEmailCostsTheSameArgon2idVerificationAsAWrongPassword() {
        User known = api.user("Kim Known");
        CountingHasher hasher = new CountingHasher();
        Accounts accounts = new Accounts(db.jdbi(), hasher, ApiTestApp.sessions(app), "http://127.0.0.1");
        String stored = db.jdbi().withHandle(h -> h.createQuery("SELECT password_hash FROM accounts WHERE id = :id")
                .bind("id", known.id()).mapTo(String.class).one());
        String storedParameters = stored.substring(0, stored.lastIndexOf('$', stored.lastIndexOf('$') - 1));

        assertThat(accounts.login(known.email(), "wrong password")).isEmpty();
        assertThat(accounts.login("nobody-" + UUID.randomUUID() + "@example.org", "wrong password")).isEmpty();
        assertThat(accounts.login(null, "wrong password")).isEmpty();
        assertThat(accounts.login(known.email(), "p".repeat(Accounts.MAX_PASSWORD + 1))).isEmpty();
        // One verification each, all with the stored hashes' parameters (m, t, p): the same work.
        assertThat(hasher.verifications).hasSize(4).containsOnly(storedParameters);
        assertThat(storedParameters).startsWith("$argon2id$v=19$m=19456,t=2,p=1");
    }

    @Test
    void signingInTakesTheSameTimeForKnownAndUnknownEmails() {
        User known = api.user("Tim Timing");
        for (int i = 0; i < 3; i++) { // warm-up: the JIT compiles argon2 during the first few
            login(known.email(), "wrong password " + i);
            login("nobody-" + i + "@example.org", "wrong password");
        }
        int tries = 15;
        long[] knownNanos = new long[tries];
        long[] unknownNanos = new long[tries];
        for (int i = 0; i < tries; i++) { // interleaved, so that a noisy neighbour slows both alike
            long start = System.nanoTime();
            assertThat(login(known.email(), "wrong password " + i).status()).isEqualTo(401);
            knownNanos[i] = System.nanoTime() - start;
            start = System.nanoTime();
            assertThat(login("nobody-" + UUID.randomUUID() + "@example.org", "wrong password").status()).isEqualTo(401);
            unknownNanos[i] = System.nanoTime() - start;
        }
        double knownMedian = median(knownNanos) / 1e6;
        double unknownMedian = median(unknownNanos) / 1e6;
        System.out.printf("login timing: wrong password median %.1f ms, unknown email median %.1f ms (%d tries each)%n",
                knownMedian, unknownMedian, tries);
        // Without the decoy verification an unknown email would answer in about 2 ms against tens of ms.
        assertThat(unknownMedian / knownMedian).as("unknown / known median").isBetween(0.6, 1.6);
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
