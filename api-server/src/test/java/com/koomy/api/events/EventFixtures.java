package com.koomy.api.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.accounts.SessionStore;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestStack;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events, members and tickets for the event tests. Many members are made straight in PostgreSQL with
 * a Redis session each (signing up through the API costs two argon2id hashes a person).
 */
final class EventFixtures {

    static final String KEY_SECRET = randomSecret();
    private final ApiCalls api;
    private final TestDatabase db;
    private final SessionStore sessions;

    /** {@code app}: members' sessions go where it reads them (its Redis key prefix). */
    EventFixtures(ApiCalls api, TestDatabase db, DropwizardAppExtension<? extends ApiConfiguration> app) {
        this.api = api;
        this.db = db;
        this.sessions = ApiTestApp.sessions(app);
    }

    /** The API with a card key, as one extension with its database. */
    static TestStack<ApiConfiguration> stack(ConfigOverride... extra) {
        ConfigOverride[] all = Arrays.copyOf(extra, extra.length + 1);
        all[extra.length] = ConfigOverride.config("cardKeySecret", KEY_SECRET);
        return ApiTestApp.stack(all);
    }

    EventFixtures(ApiCalls api, TestStack<? extends ApiConfiguration> stack) {
        this(api, stack.db, stack.app);
    }

    static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** {@code n} active members of the community (role member), signed in. */
    List<User> members(UUID communityId, String prefix, int n) {
        List<User> users = new ArrayList<>();
        db.jdbi().useTransaction(h -> {
            for (int i = 0; i < n; i++) {
                UUID id = UUID.randomUUID();
                String email = prefix.toLowerCase().replaceAll("[^a-z]+", ".") + "-" + i + "-" + id.toString().substring(0, 8)
                        + "@example.org";
                h.execute("INSERT INTO accounts (id, email, name, password_hash) VALUES (?, ?, ?, 'x')", id, email, prefix + " " + i);
                h.execute("INSERT INTO memberships (community_id, account_id, role, status) VALUES (?, ?, 'member', 'active')",
                        communityId, id);
                users.add(new User(id, email, sessions.create(id).token()));
            }
        });
        return users;
    }

    User member(UUID communityId, String name) {
        return members(communityId, name, 1).get(0);
    }

    /** An event starting in {@code startsIn}, two hours long; extra fields override. */
    UUID event(UUID communityId, User admin, Duration startsIn, Integer capacity, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("title", "Spring fair", "place", "Salle des fêtes",
                "startsAt", Instant.now().plus(startsIn).toString(),
                "endsAt", Instant.now().plus(startsIn).plus(Duration.ofHours(2)).toString(), "timeZone", "Europe/Paris"));
        if (capacity != null) {
            body.put("capacity", capacity);
        }
        body.putAll(extra);
        ApiReply created = api.call("POST", "/api/communities/" + communityId + "/events", admin.token(), body);
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        return UUID.fromString(created.body().get("id").asText());
    }

    UUID event(UUID communityId, User admin, Integer capacity) {
        return event(communityId, admin, Duration.ofHours(2), capacity, Map.of());
    }

    ApiReply register(UUID eventId, User user) {
        return api.call("POST", "/api/events/" + eventId + "/registrations?qr=false", user.token(), null);
    }

    /** Registers and returns the confirmed ticket's QR content. */
    String ticket(UUID eventId, User user) {
        ApiReply reply = register(eventId, user);
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(201);
        assertThat(reply.body().get("status").asText()).isEqualTo("confirmed");
        return reply.body().get("qr").asText();
    }

    ApiReply scan(UUID eventId, User scanner, String qr, String scanId, String gate) {
        return api.call("POST", "/api/events/" + eventId + "/checkins", scanner.token(),
                Map.of("qr", qr, "scanId", scanId, "gate", gate));
    }

    /** The door's answer to a scan, which must have been a 200. */
    static String result(ApiReply reply) {
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
        return reply.body().get("result").asText();
    }

    static UUID ticketId(String qr) {
        return UUID.fromString(qr.split(":")[3]);
    }

    long count(String sql, Object... args) {
        return db.jdbi().withHandle(h -> h.select(sql, args).mapTo(Long.class).one());
    }

    /** Verifies a QR code as an offline scanner would: the bundle's key and the JDK alone. */
    static boolean verifies(String qr, JsonNode bundle) throws Exception {
        int dot = qr.lastIndexOf('.');
        String keyId = qr.split(":")[2];
        for (JsonNode key : bundle.get("keys")) {
            if (key.get("keyId").asText().equals(keyId)) {
                PublicKey publicKey = KeyFactory.getInstance("Ed25519")
                        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(key.get("publicKey").asText())));
                Signature verifier = Signature.getInstance("Ed25519");
                verifier.initVerify(publicKey);
                verifier.update(qr.substring(0, dot).getBytes(StandardCharsets.UTF_8));
                return verifier.verify(Base64.getUrlDecoder().decode(qr.substring(dot + 1)));
            }
        }
        return false;
    }
}
