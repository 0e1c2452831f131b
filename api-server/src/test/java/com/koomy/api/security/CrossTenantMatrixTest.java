package com.koomy.api.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tenant isolation over every route that takes an id, read from the served OpenAPI document (so a new
 * route is covered the day it is documented, and {@code OpenApiCoverageTest} makes sure it is).
 *
 * <p>Alice owns community A. Community B (private, by approval) belongs to Bella and holds one of
 * everything: a member, a draft and a published post, an AI draft, an invitation. Alice calls every
 * route with B's ids, and every route with two ids once more with A's community id (where she is the
 * owner) and B's object: each answer must be 403 or 404 and carry none of B's data. A path parameter
 * this test has no value for fails the test: give it B's object below.
 */
class CrossTenantMatrixTest {

    /** Routes with an id that are public or foreign-tenant by design, and why. */
    private static final Map<String, String> BY_DESIGN = Map.of(
            "POST /api/communities/{communityId}/join",
            "joining a community you are not in is what the route is for; B is by approval, so Alice's "
                    + "request must stay pending and show her nothing of B (checked in joiningShowsNothing)",
            "GET /media/{key}",
            "image blobs are public by URL (the name is an unguessable content hash) so a CDN can serve them; "
                    + "private media would use signed URLs (docs/architecture.md, \"Media\")");

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("openai.apiKey", "sk-test-not-a-real-key"),
            ConfigOverride.config("cardKeySecret", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));

    private static ApiCalls api;
    private static User alice;
    private static UUID communityA;
    private static final Map<String, String> B = new HashMap<>();
    /** Strings only B's data contains: none may appear in an answer to Alice. */
    private static final List<String> B_SECRETS = new ArrayList<>();

    @BeforeAll
    static void tenants() {
        api = new ApiCalls(() -> app.getLocalPort());
        alice = api.user("Alice Matrix");
        communityA = api.community(alice, "Alice Matrix Club", "public", "open");

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

        B.put("id", communityB.toString());
        B.put("tierId", tier.body().get("id").asText());
        ApiReply payment = api.call("POST", "/api/communities/" + communityB + "/payments/manual", bella.token(),
                Map.of("accountId", bert.id().toString(), "tierId", tier.body().get("id").asText(), "method", "cheque",
                        "reference", "Bella cheque 777", "clientReference", "bella-1"));
        assertThat(payment.status()).as(payment.body().toString()).isEqualTo(201);
        B.put("paymentId", payment.body().get("id").asText());
        B.put("eventId", eventId);
        // {eventId} names a Stripe event under /api/ops and one of our events elsewhere (see fill's caller).
        B.put("koomyEventId", koomyEventId);
        B.put("ticketId", ticket.body().get("ticketId").asText());
        B.put("communityId", communityB.toString());
        B.put("accountId", bert.id().toString());
        B.put("sessionId", api.get("/api/me/sessions", bert.token()).body().get("items").get(0).get("id").asText());
        B.put("exportId", api.call("POST", "/api/me/export", bert.token(), null).body().get("id").asText());
        B.put("postId", postId);
        ApiReply newsletter = api.call("POST", "/api/communities/" + communityB + "/newsletters", bella.token(),
                Map.of("subject", "Bella secret newsletter", "body", "The treasury password is swordfish"));
        assertThat(newsletter.status()).isEqualTo(201);
        B.put("newsletterId", newsletter.body().get("id").asText());
        B.put("draftId", draft.body().get("draftId").asText());
        String logo = uploadPng(bella.token(), "/api/communities/" + communityB + "/logo");
        B.put("mediaId", logo.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"));
        String blobUrl = logo.replaceAll(".*\"url\":\"([^\"]+)\".*", "$1");
        B.put("key", blobUrl.substring(blobUrl.lastIndexOf('/') + 1));
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
        B.put("requestId", requestId.toString());
        B_SECRETS.addAll(List.of("Bella hidden licence", "Bert secret licence", "Dora Hiddenapplicant", dora.email(),
                requestId.toString()));
        B_SECRETS.addAll(List.of(communityB.toString(), "Bella Hidden Society", "Bella Secretkeeper", "Bert Hiddenmember",
                bert.email(), bella.email(), bert.id().toString(), "swordfish", "Bella secret general assembly",
                "confidential brief", "carol-pending-invite", postId, "Bella hidden dues", eventId, koomyEventId, "Bella secret newsletter", B.get("newsletterId"),
                B.get("paymentId"), "Bella cheque 777",
                ticket.body().get("ticketId").asText(), B.get("key"), B.get("sessionId"), B.get("exportId")));
    }

    /** Bella's community logo (an image body, which ApiCalls does not send); returns the JSON answer. */
    private static String uploadPng(String token, String path) {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(40, 40, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(image, "png", png);
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + app.getLocalPort() + path))
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

    private static String memberStatus(UUID community, UUID account) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT status FROM memberships WHERE community_id = :c AND account_id = :a")
                .bind("c", community).bind("a", account).mapTo(String.class).findOne().orElse("none"));
    }

    private record Route(String method, String path, JsonNode operation) {
        String key() {
            return method + " " + path;
        }
    }

    private static List<Route> routesWithIds(JsonNode document) {
        List<Route> routes = new ArrayList<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (path.getKey().contains("{") && Set.of("get", "post", "put", "patch", "delete").contains(op.getKey())) {
                routes.add(new Route(op.getKey().toUpperCase(Locale.ROOT), path.getKey(), op.getValue()));
            }
        }));
        return routes;
    }

    private static final Pattern PARAM = Pattern.compile("\\{(\\w+)}");

    private static String fill(String path, Function<String, String> values) {
        Matcher m = PARAM.matcher(path);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.apply(m.group(1));
            assertThat(value).as("a value of B's for path parameter {%s} of %s: add one in tenants()", m.group(1), path)
                    .isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    @Test
    void everyRouteWithAnIdRefusesAnotherTenantsIdsAndLeaksNothing() {
        ApiReply doc = api.get("/api/openapi.json", null);
        assertThat(doc.status()).isEqualTo(200);
        List<Route> routes = routesWithIds(doc.body());
        assertThat(routes).as("routes with ids in the document").hasSizeGreaterThan(15);

        List<String> failures = new ArrayList<>();
        int calls = 0;
        for (Route route : routes) {
            if (BY_DESIGN.containsKey(route.key())) {
                continue;
            }
            List<String> paths = new ArrayList<>();
            Function<String, String> values = name -> name.equals("eventId") && !route.path().startsWith("/api/ops/")
                    ? B.get("koomyEventId") : B.get(name);
            paths.add(fill(route.path(), values));
            long params = PARAM.matcher(route.path()).results().count();
            if (params > 1 && (route.path().contains("{communityId}") || route.path().contains("{id}"))) {
                // Alice's own community, B's object: the object must be looked up within the path's tenant.
                paths.add(fill(route.path(), name -> name.equals("communityId") || name.equals("id")
                        ? communityA.toString() : values.apply(name)));
            }
            JsonNode body = OpenApiExamples.body(doc.body(), route.operation());
            for (String path : paths) {
                ApiReply reply = api.call(route.method(), path, alice.token(), body == null ? null : body.toString());
                calls++;
                String text = reply.body().toString();
                if (reply.status() != 403 && reply.status() != 404) {
                    failures.add(route.method() + " " + path + " -> " + reply.status() + " " + text);
                }
                for (String secret : B_SECRETS) {
                    if (text.contains(secret)) {
                        failures.add(route.method() + " " + path + " leaked '" + secret + "': " + text);
                    }
                }
            }
        }
        assertThat(failures).as("answers to Alice (%d calls) that are not 403/404 or that carry B's data", calls).isEmpty();
        assertThat(calls).isGreaterThanOrEqualTo(routes.size() - BY_DESIGN.size());
    }

    @Test
    void joiningShowsNothing() {
        ApiReply joined = api.call("POST", "/api/communities/" + B.get("communityId") + "/join", alice.token(), null);
        assertThat(joined.status()).isIn(202, 403, 404);
        for (String secret : B_SECRETS) {
            if (!secret.equals(B.get("communityId"))) {
                assertThat(joined.body().toString()).doesNotContain(secret);
            }
        }
        assertThat(memberStatus(UUID.fromString(B.get("communityId")), UUID.fromString(
                db.jdbi().withHandle(h -> h.createQuery("SELECT id::text FROM accounts WHERE name = 'Alice Matrix'")
                        .mapTo(String.class).one())))).isIn("pending", "none");
        assertThat(api.get("/api/communities/" + B.get("communityId") + "/members", alice.token()).status()).isIn(403, 404);
        assertThat(api.get("/api/communities/" + B.get("communityId") + "/news", alice.token()).status()).isIn(403, 404);
    }
}
