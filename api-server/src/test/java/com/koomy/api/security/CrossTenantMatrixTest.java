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
    private static TenantB tenantB;
    private static final Map<String, String> B = new HashMap<>();
    /** Strings only B's data contains: none may appear in an answer to Alice. */
    private static final List<String> B_SECRETS = new ArrayList<>();

    @BeforeAll
    static void tenants() {
        api = new ApiCalls(() -> app.getLocalPort());
        alice = api.user("Alice Matrix");
        communityA = api.community(alice, "Alice Matrix Club", "public", "open");

        tenantB = new TenantB(api, db, app.getLocalPort());
        tenantB.build();
        B.putAll(tenantB.ids());
        B_SECRETS.addAll(tenantB.secrets());
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
            assertThat(value).as("a value of B's for path parameter {%s} of %s: add one in TenantB", m.group(1), path)
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
        assertThat(tenantB.memberStatus(UUID.fromString(B.get("communityId")), UUID.fromString(
                db.jdbi().withHandle(h -> h.createQuery("SELECT id::text FROM accounts WHERE name = 'Alice Matrix'")
                        .mapTo(String.class).one())))).isIn("pending", "none");
        assertThat(api.get("/api/communities/" + B.get("communityId") + "/members", alice.token()).status()).isIn(403, 404);
        assertThat(api.get("/api/communities/" + B.get("communityId") + "/news", alice.token()).status()).isIn(403, 404);
    }
}
