package com.koomy.api.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Members, events, seats, a payment and an avatar made through the API for the account deletion tests. */
final class DeletionFixtures {

    private final ApiCalls api;
    private final TestDatabase db;

    DeletionFixtures(ApiCalls api, TestDatabase db) {
        this.api = api;
        this.db = db;
    }

    /** A new account that joined the (open) community. */
    User member(UUID communityId, String name) {
        User user = api.user(name);
        ApiReply joined = api.call("POST", "/api/communities/" + communityId + "/join", user.token(), null);
        assertThat(joined.status()).as(joined.body().toString()).isEqualTo(201);
        return user;
    }

    String login(String email, String password) {
        ApiReply r = api.call("POST", "/api/auth/login", null, Map.of("email", email, "password", password));
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().get("token").asText();
    }

    /** An event starting in two hours with this capacity and visibility ({@code members} or {@code public}). */
    UUID event(UUID communityId, User admin, int capacity, String visibility) {
        Instant start = Instant.now().plus(Duration.ofHours(2));
        ApiReply created = api.call("POST", "/api/communities/" + communityId + "/events", admin.token(), Map.of(
                "title", "Assemblée générale", "place", "Salle des fêtes", "startsAt", start.toString(),
                "endsAt", start.plus(Duration.ofHours(2)).toString(), "timeZone", "Europe/Paris",
                "capacity", capacity, "visibility", visibility));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        return UUID.fromString(created.body().get("id").asText());
    }

    /** Registers and checks the seat's status; returns the ticket id. */
    UUID register(UUID eventId, User user, String expectedStatus) {
        ApiReply r = api.call("POST", "/api/events/" + eventId + "/registrations?qr=false", user.token(), null);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
        assertThat(r.body().get("status").asText()).isEqualTo(expectedStatus);
        return UUID.fromString(r.body().get("ticketId").asText());
    }

    /** A dues tier of 25.00 EUR and a cash payment of it recorded by {@code owner} for {@code member}; the payment id. */
    UUID cashPayment(UUID communityId, User owner, User member) {
        ApiReply tier = api.call("POST", "/api/communities/" + communityId + "/dues/tiers", owner.token(),
                Map.of("name", "Cotisation annuelle", "amount", 2500, "currency", "EUR", "period", "yearly"));
        assertThat(tier.status()).as(tier.body().toString()).isEqualTo(201);
        byte[] body = ("{\"accountId\":\"" + member.id() + "\",\"tierId\":\"" + tier.body().get("id").asText()
                + "\",\"method\":\"cash\"}").getBytes(StandardCharsets.UTF_8);
        ApiReply paid = api.send("POST", "/api/communities/" + communityId + "/payments/manual", owner.token(),
                "application/json", body, "Idempotency-Key", "cash-" + member.id());
        assertThat(paid.status()).as(paid.body().toString()).isEqualTo(201);
        return UUID.fromString(paid.body().get("id").asText());
    }

    /** The member's avatar in the community: a small PNG. */
    void avatar(UUID communityId, User member) throws IOException {
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        image.setRGB(3, 4, 0xff8800);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        ApiReply put = api.send("PUT", "/api/communities/" + communityId + "/members/me/avatar", member.token(), "image/png",
                png.toByteArray());
        assertThat(put.status()).as(put.body().toString()).isIn(200, 201);
    }

    String ticketStatus(UUID ticketId) {
        return db.jdbi().withHandle(h -> h.select("SELECT status FROM tickets WHERE id = ?", ticketId).mapTo(String.class).one());
    }

    long count(String sql, Object... args) {
        return db.jdbi().withHandle(h -> h.select(sql, args).mapTo(Long.class).one());
    }

    ApiReply deleteMe(User user, Object body) {
        return api.call("DELETE", "/api/me", user.token(), body);
    }

    ApiReply restore(String email, String password) {
        return api.call("POST", "/api/me/restore", null, Map.of("email", email, "password", password));
    }

    JsonNode deletionSeenByOperator(UUID accountId, String opsToken) {
        ApiReply r = api.get("/api/ops/accounts/" + accountId + "/deletion", opsToken);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body();
    }

    static List<String> steps(JsonNode deletion) {
        List<String> steps = new ArrayList<>();
        deletion.get("steps").forEach(s -> steps.add(s.get("step").asText()));
        return steps;
    }
}
