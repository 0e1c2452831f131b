package com.koomy.api.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions end after the idle timeout without use and after the absolute timeout whatever the use
 * (both set to seconds here), and sign-in attempts are throttled per client address and per account,
 * with the production settings for addresses: {@code X-Forwarded-For} is not trusted, so an attacker
 * cannot reset the per-address limit by inventing one. Clients here really come from different
 * addresses (sockets bound to 127.0.0.x), as attackers from many machines would.
 */
class SessionExpiryAndBruteForceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "correct horse battery";

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.withRateLimits(db,
            ConfigOverride.config("sessionIdleTimeout", "2s"),
            ConfigOverride.config("sessionAbsoluteTimeout", "5s"),
            ConfigOverride.config("trustedProxies", ""),
            ConfigOverride.config("rateLimits.policies.login.requests", "6"),
            ConfigOverride.config("rateLimits.policies.login.period", "1 hour"),
            ConfigOverride.config("rateLimits.policies.login.failClosed", "true"),
            ConfigOverride.config("rateLimits.policies.loginEmail.requests", "5"),
            ConfigOverride.config("rateLimits.policies.loginEmail.period", "1 hour"),
            ConfigOverride.config("rateLimits.policies.loginEmail.failClosed", "true"),
            ConfigOverride.config("rateLimits.policies.register.requests", "50"),
            ConfigOverride.config("rateLimits.policies.register.period", "10 minutes"),
            ConfigOverride.config("rateLimits.policies.register.failClosed", "true"));

    private static ApiCalls api;

    @BeforeAll
    static void setUp() {
        api = new ApiCalls(() -> app.getLocalPort());
    }

    private record Answer(int status, String retryAfter, JsonNode body) {
    }

    /** A sign-in from {@code address} (a socket bound there), with any extra header lines. */
    private static Answer login(String address, String email, String password, String... headerLines) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", app.getLocalPort()), 5_000);
            socket.setSoTimeout(10_000);
            byte[] body = JSON.writeValueAsBytes(Map.of("email", email, "password", password));
            StringBuilder request = new StringBuilder("POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nConnection: close\r\nContent-Length: " + body.length + "\r\n");
            for (String line : headerLines) {
                request.append(line).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            String retryAfter = null;
            for (String line : response.substring(0, response.indexOf("\r\n\r\n")).split("\r\n")) {
                if (line.regionMatches(true, 0, "Retry-After:", 0, 12)) {
                    retryAfter = line.substring(12).strip();
                }
            }
            String head = response.substring(0, response.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
            String text = response.substring(response.indexOf("\r\n\r\n") + 4);
            if (head.contains("transfer-encoding: chunked")) {
                text = dechunk(text);
            }
            JsonNode json = text.startsWith("{") ? JSON.readTree(text) : JSON.createObjectNode();
            return new Answer(status, retryAfter, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int eol = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, eol).split(";")[0].strip(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(chunked, eol + 2, eol + 2 + size); // JSON answers here are ASCII: characters are bytes
            at = eol + 2 + size + 2;
        }
    }

    /** An account made through the API but never signed in, so no attempt counts against its email yet. */
    private static String registered(String name) {
        String email = name.toLowerCase(java.util.Locale.ROOT).replace(' ', '.') + "-" + UUID.randomUUID().toString().substring(0, 8)
                + "@example.org";
        assertThat(api.call("POST", "/api/auth/register", null,
                Map.of("email", email, "password", PASSWORD, "name", name, "locale", "en")).status()).isEqualTo(201);
        return email;
    }

    @Test
    void sessionsEndAfterTheIdleTimeoutUnusedAndAfterTheAbsoluteTimeoutWhateverTheUse() throws InterruptedException {
        User idle = api.user("Ida Idle");
        User busy = api.user("Bob Busy");
        Instant signedIn = Instant.now();
        Answer busyLogin = login("127.0.0.2", busy.email(), PASSWORD);
        assertThat(busyLogin.status()).isEqualTo(200);
        String token = busyLogin.body().get("token").asText();
        Instant absolute = Instant.parse(busyLogin.body().get("absoluteExpiresAt").asText());
        assertThat(absolute).isBetween(signedIn.plusSeconds(4), signedIn.plusSeconds(6));

        List<Integer> whileUsed = new ArrayList<>();
        while (Instant.now().isBefore(absolute.minusMillis(700))) {
            whileUsed.add(api.get("/api/me", token).status()); // every 0.5 s: the idle timeout (2 s) keeps moving
            Thread.sleep(500);
        }
        assertThat(whileUsed).as("a session in use, past its idle timeout").hasSizeGreaterThanOrEqualTo(6).containsOnly(200);
        assertThat(api.get("/api/me", idle.token()).status()).as("a session unused for more than its idle timeout").isEqualTo(401);
        while (!Instant.now().isAfter(absolute.plusMillis(300))) {
            Thread.sleep(100);
        }
        assertThat(api.get("/api/me", token).status()).as("a session in use, past its absolute timeout").isEqualTo(401);
    }

    @Test
    void guessingOneAccountsPasswordFromManyAddressesIsStoppedPerAccount() {
        String target = registered("Vic Target");
        User bystander = api.user("Sam Bystander");
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Answer answer = login("127.0.1." + (10 + i), target, "guess number " + i);
            statuses.add(answer.status());
            if (answer.status() == 429) {
                assertThat(Integer.parseInt(answer.retryAfter())).isBetween(1, 3600);
            }
        }
        // loginEmail: 5 an hour per account (set above), whatever the address.
        assertThat(statuses).containsExactly(401, 401, 401, 401, 401, 429, 429, 429);
        assertThat(login("127.0.1.99", target, PASSWORD).status())
                .as("even the right password, while the account is throttled (no oracle)").isEqualTo(429);
        assertThat(login("127.0.1.99", bystander.email(), PASSWORD).status()).as("another account").isEqualTo(200);
    }

    @Test
    void oneAddressTryingManyAccountsIsStoppedPerAddressWhateverItsForwardedFor() {
        User real = api.user("Rita Real");
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            // An invented X-Forwarded-For each time: not trusted, so it cannot reset the address's count.
            statuses.add(login("127.0.2.10", "nobody-" + UUID.randomUUID() + "@example.org", "guess",
                    "X-Forwarded-For: 10.9.0." + i).status());
        }
        // login: 6 an hour per address (set above).
        assertThat(statuses).containsExactly(401, 401, 401, 401, 401, 401, 429, 429);
        assertThat(login("127.0.2.10", real.email(), PASSWORD).status()).as("a real account from that address").isEqualTo(429);
        assertThat(login("127.0.2.11", real.email(), PASSWORD).status()).as("the same account from elsewhere").isEqualTo(200);
    }
}
