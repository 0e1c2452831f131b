package com.koomy.api.security;

import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Community B of {@link CrossTenantMatrixTest}: private, by approval, owned by Bella, holding one of everything
 * (a member, a draft and a published post, an AI draft, invitations, an event and a ticket, a dues tier and a
 * payment, a newsletter, a logo, member fields and a membership request), and the strings only its data contains.
 */
final class TenantB {

    private final ApiCalls api;
    private final TestDatabase db;
    private final int port;
    /** B's ids by the path parameter they fill. */
    private final Map<String, String> ids = new HashMap<>();
    /** Strings only B's data contains: none may appear in an answer to another tenant. */
    private final List<String> secrets = new ArrayList<>();

    TenantB(ApiCalls api, TestDatabase db, int port) {
        this.api = api;
        this.db = db;
        this.port = port;
    }

    Map<String, String> ids() {
        return ids;
    }

    List<String> secrets() {
        return secrets;
    }

    void build() {
        User bella = api.user("Bella Secretkeeper");
        UUID communityB = api.community(bella, "Bella Hidden Society", "private", "approval");
        User bert = api.user("Bert Hiddenmember");
        ApiReply invited = api.call("POST", "/api/communities/" + communityB + "/invitations", bella.token(),
                Map.of("email", bert.email(), "role", "member"));
        assertThat(invited.status()).isEqualTo(201);
        String acceptUrl = db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT variables->>'acceptUrl' FROM emails WHERE template = 'invitation' AND recipients->0->>'email' = :to")
                .bind("to", bert.email().toLowerCase()).mapTo(String.class).findOne().orElse(null));
        assertThat(acceptUrl).contains("token=");
        String inviteToken = java.net.URLDecoder.decode(acceptUrl.substring(acceptUrl.indexOf("token=") + 6),
                java.nio.charset.StandardCharsets.UTF_8);
        api.verifyEmail(bert, db.jdbi());
        assertThat(api.call("POST", "/api/invitations/accept", bert.token(), Map.of("token", inviteToken)).status())
                .isEqualTo(200);
        assertThat(memberStatus(communityB, bert.id())).isEqualTo("active");
        api.call("POST", "/api/communities/" + communityB + "/invitations", bella.token(),
                Map.of("email", "carol-pending-invite@example.org", "role", "admin"));

        ApiReply post = api.call("POST", "/api/communities/" + communityB + "/news", bella.token(),
                Map.of("title", "Bella secret general assembly", "body", "The treasury password is swordfish"));
        assertThat(post.status()).isEqualTo(201);
        String postId = post.body().get("id").asText();
        assertThat(api.call("POST", "/api/communities/" + communityB + "/news/" + postId + "/publish", bella.token(), null)
                .status()).isEqualTo(200);
        ApiReply draft = api.call("POST", "/api/communities/" + communityB + "/news/drafts", bella.token(),
                Map.of("brief", "Bella's confidential brief"));
        assertThat(draft.status()).isEqualTo(202);

        java.time.Instant start = java.time.Instant.now().plus(java.time.Duration.ofDays(2));
        ApiReply event = api.call("POST", "/api/communities/" + communityB + "/events", bella.token(), Map.of(
                "title", "Bella secret general assembly", "startsAt", start.toString(),
                "endsAt", start.plusSeconds(7200).toString(), "timeZone", "Europe/Paris", "capacity", 10));
        assertThat(event.status()).isEqualTo(201);
        String koomyEventId = event.body().get("id").asText();
        ApiReply ticket = api.call("POST", "/api/events/" + koomyEventId + "/registrations?qr=false", bert.token(), null);
        assertThat(ticket.status()).isEqualTo(201);
        ApiReply tier = api.call("POST", "/api/communities/" + communityB + "/dues/tiers", bella.token(),
                Map.of("name", "Bella hidden dues", "amount", 4200, "currency", "eur", "period", "yearly"));
        assertThat(tier.status()).isEqualTo(201);
        String eventId = "evt_bella_" + UUID.randomUUID().toString().replace("-", "");
        db.jdbi().useHandle(h -> h.execute("INSERT INTO stripe_events (event_id, type, livemode, account, stripe_created, payload, status) "
                + "VALUES (?, 'payment_intent.succeeded', false, 'acct_bella', now(), '{}', 'failed')", eventId));

        ids.put("id", communityB.toString());
        ids.put("tierId", tier.body().get("id").asText());
        ApiReply payment = api.call("POST", "/api/communities/" + communityB + "/payments/manual", bella.token(),
                Map.of("accountId", bert.id().toString(), "tierId", tier.body().get("id").asText(), "method", "cheque",
                        "reference", "Bella cheque 777", "clientReference", "bella-1"));
        assertThat(payment.status()).as(payment.body().toString()).isEqualTo(201);
        ids.put("paymentId", payment.body().get("id").asText());
        ids.put("eventId", eventId);
        // {eventId} names a Stripe event under /api/ops and one of our events elsewhere (see CrossTenantMatrixTest, where fill is called).
        ids.put("koomyEventId", koomyEventId);
        ids.put("ticketId", ticket.body().get("ticketId").asText());
        ids.put("communityId", communityB.toString());
        ids.put("accountId", bert.id().toString());
        ids.put("sessionId", api.get("/api/me/sessions", bert.token()).body().get("items").get(0).get("id").asText());
        ids.put("exportId", api.call("POST", "/api/me/export", bert.token(), null).body().get("id").asText());
        ids.put("postId", postId);
        ApiReply newsletter = api.call("POST", "/api/communities/" + communityB + "/newsletters", bella.token(),
                Map.of("subject", "Bella secret newsletter", "body", "The treasury password is swordfish"));
        assertThat(newsletter.status()).isEqualTo(201);
        ids.put("newsletterId", newsletter.body().get("id").asText());
        ids.put("draftId", draft.body().get("draftId").asText());
        String logo = uploadPng(bella.token(), "/api/communities/" + communityB + "/logo");
        ids.put("mediaId", logo.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"));
        String blobUrl = logo.replaceAll(".*\"url\":\"([^\"]+)\".*", "$1");
        ids.put("key", blobUrl.substring(blobUrl.lastIndexOf('/') + 1));
        // Member fields and a membership request (issue 21). B is private: the request is written as joining
        // an approval community writes it (non-members cannot join a private community).
        assertThat(api.call("PUT", "/api/communities/" + communityB + "/member-fields", bella.token(), Map.of("fields",
                List.of(Map.of("key", "licence", "label", "Bella hidden licence", "type", "text")))).status()).isEqualTo(200);
        assertThat(api.call("PATCH", "/api/communities/" + communityB + "/members/me", bert.token(),
                Map.of("fields", Map.of("licence", "Bert secret licence"))).status()).isEqualTo(200);
        User dora = api.user("Dora Hiddenapplicant");
        UUID requestId = UUID.randomUUID();
        db.jdbi().useHandle(h -> {
            h.execute("INSERT INTO memberships (community_id, account_id, status) VALUES (?, ?, 'pending')", communityB, dora.id());
            h.execute("INSERT INTO membership_requests (id, community_id, account_id) VALUES (?, ?, ?)", requestId, communityB,
                    dora.id());
        });
        ids.put("requestId", requestId.toString());
        secrets.addAll(List.of("Bella hidden licence", "Bert secret licence", "Dora Hiddenapplicant", dora.email(),
                requestId.toString()));
        secrets.addAll(List.of(communityB.toString(), "Bella Hidden Society", "Bella Secretkeeper", "Bert Hiddenmember",
                bert.email(), bella.email(), bert.id().toString(), "swordfish", "Bella secret general assembly",
                "confidential brief", "carol-pending-invite", postId, "Bella hidden dues", eventId, koomyEventId, "Bella secret newsletter", ids.get("newsletterId"),
                ids.get("paymentId"), "Bella cheque 777",
                ticket.body().get("ticketId").asText(), ids.get("key"), ids.get("sessionId"), ids.get("exportId")));
    }

    /** Bella's community logo (an image body, which ApiCalls does not send); returns the JSON answer. */
    private String uploadPng(String token, String path) {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(40, 40, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(image, "png", png);
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + path))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "image/png")
                            .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(png.toByteArray())).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(201);
            return response.body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String memberStatus(UUID community, UUID account) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT status FROM memberships WHERE community_id = :c AND account_id = :a")
                .bind("c", community).bind("a", account).mapTo(String.class).findOne().orElse("none"));
    }
}
