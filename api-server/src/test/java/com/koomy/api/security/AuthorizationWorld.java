package com.koomy.api.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.api.security.OpenApiExamples.Operation;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.jdbi.v3.core.Jdbi;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A community with one of everything (a published post, an AI draft, an event with another member's
 * ticket, a dues tier, a logo, a failed Stripe event, an email), an owner, a plain member and a member of
 * another community only, for the tests that walk every documented route with callers who must be refused.
 */
final class AuthorizationWorld {

    final ApiCalls api;
    final JsonNode document;
    final User owner;
    final User member;
    /** A member of another community only. */
    final User outsider;
    private final Map<String, String> ids = new HashMap<>();

    /** The API with the optional features on (AI drafts, membership cards), so that every documented route answers. */
    static DropwizardAppExtension<ApiConfiguration> app(TestDatabase db, ConfigOverride... extra) {
        ConfigOverride[] all = Arrays.copyOf(extra, extra.length + 2);
        all[extra.length] = ConfigOverride.config("openai.apiKey", "sk-test-not-a-real-key");
        all[extra.length + 1] = ConfigOverride.config("cardKeySecret", Base64.getEncoder().encodeToString(new byte[32]));
        return ApiTestApp.on(db, all);
    }

    AuthorizationWorld(ApiCalls api, Jdbi jdbi) {
        this.api = api;
        owner = api.user("Olivia Owner");
        member = api.user("Max Member");
        outsider = api.user("Otto Outsider");
        api.community(outsider, "Another Club", "public", "open");
        User other = api.user("Mia Othermember");
        UUID community = api.community(owner, "Function Level Club", "public", "open");
        assertThat(api.call("POST", "/api/communities/" + community + "/join", member.token(), null).status()).isEqualTo(201);
        assertThat(api.call("POST", "/api/communities/" + community + "/join", other.token(), null).status()).isEqualTo(201);
        String c = "/api/communities/" + community;
        ApiReply post = api.call("POST", c + "/news", owner.token(), Map.of("title", "Assembly", "body", "Tuesday"));
        String postId = post.body().get("id").asText();
        assertThat(api.call("POST", c + "/news/" + postId + "/publish", owner.token(), null).status()).isEqualTo(200);
        ApiReply draft = api.call("POST", c + "/news/drafts", owner.token(), Map.of("brief", "the spring fair"));
        assertThat(draft.status()).isEqualTo(202);
        Instant start = Instant.now().plus(3, ChronoUnit.DAYS);
        ApiReply event = api.call("POST", c + "/events", owner.token(), Map.of("title", "Spring fair",
                "startsAt", start.toString(), "endsAt", start.plusSeconds(7200).toString(), "timeZone", "Europe/Paris",
                "capacity", 50));
        assertThat(event.status()).isEqualTo(201);
        String eventId = event.body().get("id").asText();
        ApiReply othersTicket = api.call("POST", "/api/events/" + eventId + "/registrations?qr=false", other.token(), null);
        assertThat(othersTicket.status()).isEqualTo(201);
        ApiReply tier = api.call("POST", c + "/dues/tiers", owner.token(),
                Map.of("name", "Yearly", "amount", 3000, "currency", "eur", "period", "yearly"));
        assertThat(tier.status()).isEqualTo(201);
        ApiReply logo = api.send("PUT", c + "/logo", owner.token(), "image/png", png());
        assertThat(logo.status()).isEqualTo(201);
        String blobUrl = logo.body().get("url").asText();
        String stripeEvent = "evt_function_level_" + UUID.randomUUID().toString().replace("-", "");
        jdbi.useHandle(h -> h.execute("INSERT INTO stripe_events (event_id, type, livemode, account, stripe_created, payload, status) "
                + "VALUES (?, 'payment_intent.succeeded', false, 'acct_x', now(), '{}', 'failed')", stripeEvent));
        String emailId = jdbi.withHandle(h -> h.createQuery("SELECT id::text FROM emails LIMIT 1").mapTo(String.class).one());

        ids.put("id", community.toString());
        ids.put("communityId", community.toString());
        // Another member's objects: what a member may do to their own is in MEMBER_ALLOWED.
        ids.put("accountId", other.id().toString());
        ids.put("ticketId", othersTicket.body().get("ticketId").asText());
        // Another account's session: DELETE /api/me/sessions/{sessionId} must not find it.
        ids.put("sessionId", api.get("/api/me/sessions", other.token()).body().get("items").get(0).get("id").asText());
        ids.put("exportId", api.call("POST", "/api/me/export", other.token(), null).body().get("id").asText());
        ids.put("postId", postId);
        ApiReply newsletter = api.call("POST", c + "/newsletters", owner.token(), Map.of("subject", "Assembly", "body", "Tuesday"));
        assertThat(newsletter.status()).isEqualTo(201);
        ids.put("newsletterId", newsletter.body().get("id").asText());
        ids.put("draftId", draft.body().get("draftId").asText());
        ids.put("eventId", eventId);
        ids.put("tierId", tier.body().get("id").asText());
        ApiReply payment = api.call("POST", c + "/payments/manual", owner.token(), Map.of("accountId", other.id().toString(),
                "tierId", tier.body().get("id").asText(), "method", "cash", "clientReference", "function-level-1"));
        assertThat(payment.status()).as(payment.body().toString()).isEqualTo(201);
        ids.put("paymentId", payment.body().get("id").asText());
        ids.put("mediaId", logo.body().get("id").asText());
        ids.put("key", blobUrl.substring(blobUrl.lastIndexOf('/') + 1));
        ids.put("opsEventId", stripeEvent);
        ids.put("emailId", emailId);
        // A request to join waiting for a decision (the community is open: made as an approval community's join makes it).
        User applicant = api.user("Paula Pending");
        UUID requestId = UUID.randomUUID();
        jdbi.useHandle(h -> {
            h.execute("INSERT INTO memberships (community_id, account_id, status) VALUES (?, ?, 'pending')", community, applicant.id());
            h.execute("INSERT INTO membership_requests (id, community_id, account_id) VALUES (?, ?, ?)", requestId, community,
                    applicant.id());
        });
        ids.put("requestId", requestId.toString());
        document = api.get("/api/openapi.json", null).body();
    }

    static byte[] png() {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(image, "png", out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Path parameters: under /api/ops, {eventId} is a Stripe event and {id} an email. */
    private Function<String, String> values(Operation op) {
        boolean ops = op.path().startsWith("/api/ops/");
        return name -> ops && name.equals("eventId") ? ids.get("opsEventId")
                : ops && name.equals("id") ? ids.get("emailId") : ids.get(name);
    }

    /** The operation's path with this world's ids in it. */
    String path(Operation op) {
        return OpenApiExamples.fill(op.path(), values(op));
    }

    /** Calls the route as the caller would from a client: a valid JSON body, or an image for uploads. */
    ApiReply call(Operation op, String token) {
        return call(op, path(op), token);
    }

    /** The same at another spelling of its path. */
    ApiReply call(Operation op, String path, String token) {
        List<String> types = op.bodyTypes();
        if (types.contains("application/json")) {
            JsonNode body = OpenApiExamples.body(document, op.spec());
            return api.send(op.method(), path, token, "application/json", body.toString().getBytes(StandardCharsets.UTF_8));
        }
        if (types.stream().anyMatch(t -> t.startsWith("image/") || t.equals("application/octet-stream"))) {
            return api.send(op.method(), path, token, "image/png", png());
        }
        return api.send(op.method(), path, token, null, null);
    }
}
