package com.koomy.api.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.security.OpenApiExamples.Operation;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Function-level authorization over every documented route (read from the served OpenAPI document, so
 * a new route is covered the day it is documented): a plain member of a community calling its
 * owners' and admins' functions, anyone but an operator calling {@code /api/ops/*}, and a signed-out
 * caller calling anything but the public routes, is refused (403, 401) and changes nothing in the
 * database. The routes a member may call, and those open to everyone, are listed below with why;
 * every other route is an admin, owner or operator function.
 */
class FunctionLevelAuthorizationTest {

    /** Routes anyone may call signed out, and why. */
    static final Map<String, String> PUBLIC = Map.ofEntries(
            Map.entry("POST /api/auth/register", "creating an account"),
            Map.entry("POST /api/auth/login", "signing in"),
            Map.entry("POST /api/auth/password-reset", "asking for a reset link (answers the same for every email)"),
            Map.entry("POST /api/auth/password-reset/confirm", "the emailed token is the credential"),
            Map.entry("POST /api/auth/verify-email", "the emailed token is the credential"),
            Map.entry("POST /api/me/email/confirm", "the token emailed to the new address is the credential"),
            Map.entry("POST /api/me/restore", "signing in again cancels a pending deletion: the credentials are the proof"),
            Map.entry("GET /api/account-exports/{exportId}/download", "the one-time token of the link is the credential"),
            Map.entry("GET /api/health", "load balancers and probes"),
            Map.entry("GET /api/health/ready", "load balancers' and orchestrators' readiness probes"),
            Map.entry("POST /api/webhooks/stripe", "Stripe's signature is the credential (WebhookForgeryTest)"),
            Map.entry("POST /api/webhooks/sendgrid", "SendGrid's signature is the credential (WebhookForgeryTest)"),
            Map.entry("GET /media/{key}", "image blobs are public by unguessable URL, for a CDN"),
            Map.entry("GET /api/plans", "the price list"),
            Map.entry("GET /api/communities", "discovery: public communities by name and city"),
            Map.entry("GET /api/communities/{id}", "a public community's page"),
            Map.entry("GET /api/communities/{communityId}/public-key", "scanners verify membership cards offline with it"),
            Map.entry("GET /api/communities/{communityId}/events", "a public community's public events"),
            Map.entry("GET /api/events/{eventId}", "a public event"),
            Map.entry("GET /api/communities/{communityId}/events/{eventId}/images", "a public event's images"),
            Map.entry("GET /api/communities/{communityId}/images", "a public community's logo and cover"),
            Map.entry("GET /api/communities/{communityId}/media/{mediaId}", "an image of something public"),
            Map.entry("POST /api/unsubscribe", "the signed token of the newsletter's link is the credential (RFC 8058 one click)"),
            Map.entry("GET /api/unsubscribe", "the unsubscribe page of the newsletter's link (changes nothing)"));

    /** Routes a plain active member may call (on their own community, with their own or public objects), and why. */
    static final Map<String, String> MEMBER_ALLOWED = Map.ofEntries(
            Map.entry("POST /api/auth/logout", "signing out"),
            Map.entry("GET /api/me", "their account"),
            Map.entry("PATCH /api/me", "their name and locale"),
            Map.entry("POST /api/me/password", "their password (with the current one)"),
            Map.entry("POST /api/me/email", "their email address (confirmed by the new address)"),
            Map.entry("GET /api/me/sessions", "their sessions"),
            Map.entry("DELETE /api/me/sessions/{sessionId}", "one of their sessions (another account's id: 404)"),
            Map.entry("POST /api/me/export", "exporting their data"),
            Map.entry("GET /api/me/export/{exportId}", "their data export (another account's id: 404)"),
            Map.entry("DELETE /api/me", "deleting their own account (with the current password)"),
            Map.entry("GET /api/me/deletion", "where their own account's deletion stands"),
            Map.entry("GET /api/me/communities", "their communities"),
            Map.entry("GET /api/me/tickets", "their tickets"),
            Map.entry("GET /api/me/communities/{communityId}/subscriptions", "their newsletter subscription"),
            Map.entry("PUT /api/me/communities/{communityId}/subscriptions", "resubscribing (or unsubscribing) themselves"),
            Map.entry("POST /api/communities", "anyone signed in founds a community (and owns that one)"),
            Map.entry("POST /api/communities/{communityId}/join", "joining (409 already a member)"),
            Map.entry("POST /api/invitations/accept", "the invitation token is the credential"),
            Map.entry("GET /api/communities/{communityId}/members/me/card", "their membership card"),
            Map.entry("GET /api/communities/{communityId}/member-fields", "the fields they fill (issue 21)"),
            Map.entry("PATCH /api/communities/{communityId}/members/me", "their own member field values"),
            Map.entry("GET /api/communities/{communityId}/members/me", "their own membership, values and missing required fields"),
            Map.entry("GET /api/communities/{communityId}/members/fellows", "fellow members, with the values visible to members"),
            Map.entry("PUT /api/communities/{communityId}/members/me/avatar", "their avatar"),
            Map.entry("DELETE /api/communities/{communityId}/members/me/avatar", "their avatar"),
            Map.entry("GET /api/communities/{communityId}/members/{accountId}/avatar", "members see each other's avatars"),
            Map.entry("GET /api/communities/{communityId}/news", "the feed"),
            Map.entry("GET /api/communities/{communityId}/news/{postId}", "a published post"),
            Map.entry("GET /api/communities/{communityId}/news/{postId}/images", "a published post's images"),
            Map.entry("POST /api/events/{eventId}/registrations", "registering"),
            Map.entry("GET /api/communities/{communityId}/dues/tiers", "what dues cost"),
            Map.entry("POST /api/communities/{communityId}/dues/checkout", "paying their dues"),
            Map.entry("GET /api/communities/{communityId}/payments/me", "their payments"),
            Map.entry("GET /api/communities/{communityId}/payments/me/export.csv", "their payments"));

    /**
     * Refused with 404 rather than 403, and why: the route is the holder's own function, and another
     * member's object answers as if it did not exist (no one learns which ticket ids are real).
     */
    static final Map<String, String> NOT_FOUND_FOR_OTHERS = Map.of(
            "DELETE /api/events/{eventId}/registrations/{ticketId}", "cancelling is the seat holder's (or an admin's)",
            "POST /api/events/{eventId}/registrations/{ticketId}/reissue", "reissuing is the seat holder's (or an admin's)");

    private static final String OPS_TOKEN = "ops-token-function-level-" + UUID.randomUUID();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = AuthorizationWorld.app(db, ConfigOverride.config("opsToken", OPS_TOKEN));

    private static AuthorizationWorld world;
    private static ApiCalls api;
    private static JsonNode document;
    private static User owner;
    private static User member;

    @BeforeAll
    static void community() {
        api = new ApiCalls(() -> app.getLocalPort());
        world = new AuthorizationWorld(api, db.jdbi());
        document = world.document;
        owner = world.owner;
        member = world.member;
    }

    private static ApiReply call(Operation op, String token) {
        return world.call(op, token);
    }

    private static List<String> refusals(List<Operation> operations, String token, Set<Integer> expected) {
        List<String> failures = new ArrayList<>();
        for (Operation op : operations) {
            ApiReply reply = call(op, token);
            boolean hidden = reply.status() == 404 && expected.contains(403) && NOT_FOUND_FOR_OTHERS.containsKey(op.key());
            if (!expected.contains(reply.status()) && !hidden) {
                failures.add(op.key() + " -> " + reply.status() + " " + abbreviate(reply.body().toString()));
            }
        }
        return failures;
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    @Test
    void theListsNameOnlyDocumentedRoutes() {
        Set<String> documented = new java.util.HashSet<>();
        OpenApiExamples.operations(document).forEach(op -> documented.add(op.key()));
        assertThat(documented).containsAll(PUBLIC.keySet()).containsAll(MEMBER_ALLOWED.keySet());
        assertThat(documented.size()).isGreaterThan(PUBLIC.size() + MEMBER_ALLOWED.size() + 20);
    }

    /** The @Access declarations the server enforces, as the document publishes them, agree with the lists above. */
    @Test
    void theDeclaredAccessOfEveryRouteAgreesWithTheLists() {
        List<String> disagreements = new ArrayList<>();
        for (Operation op : OpenApiExamples.operations(document)) {
            String access = op.spec().path("x-koomy-access").asText("undeclared");
            boolean ok = PUBLIC.containsKey(op.key()) ? access.equals("anyone")
                    : MEMBER_ALLOWED.containsKey(op.key()) || NOT_FOUND_FOR_OTHERS.containsKey(op.key())
                    ? Set.of("account", "member").contains(access)
                    : Set.of("door-staff", "manager", "owner", "operator").contains(access);
            if (!ok) {
                disagreements.add(op.key() + " declares " + access);
            }
            boolean open = op.spec().path("security").isArray() && op.spec().path("security").isEmpty();
            if (open != access.equals("anyone")) {
                disagreements.add(op.key() + ": security " + op.spec().path("security") + " but access " + access);
            }
        }
        assertThat(disagreements).isEmpty();
    }

    @Test
    void aMemberIsRefusedEveryAdminOwnerAndOperatorFunctionAndNothingChanges() {
        List<Operation> admin = OpenApiExamples.operations(document).stream()
                .filter(op -> !PUBLIC.containsKey(op.key()) && !MEMBER_ALLOWED.containsKey(op.key())).toList();
        assertThat(admin).hasSizeGreaterThan(30);
        Map<String, String> before = TableDigests.of(db.jdbi());
        assertThat(refusals(admin, member.token(), Set.of(403)))
                .as("admin, owner and operator routes a plain member was not refused (403) on, of %d", admin.size()).isEmpty();
        assertThat(TableDigests.of(db.jdbi())).as("the database after the member's refused calls").isEqualTo(before);
        // Still a plain member: no call above changed the role.
        assertThat(db.jdbi().<String, RuntimeException>withHandle(h -> h.createQuery("SELECT role FROM memberships WHERE account_id = :a")
                .bind("a", member.id()).mapTo(String.class).one())).isEqualTo("member");
    }

    @Test
    void operatorRoutesRefuseEveryoneButOperators() {
        List<Operation> ops = OpenApiExamples.operations(document).stream()
                .filter(op -> op.path().startsWith("/api/ops")).toList();
        assertThat(ops).hasSizeGreaterThanOrEqualTo(6);
        Map<String, String> before = TableDigests.of(db.jdbi());
        assertThat(refusals(ops, owner.token(), Set.of(403))).as("operator routes a community owner reached").isEmpty();
        assertThat(refusals(ops, "not-the-operator-token", Set.of(401))).as("operator routes a wrong token reached").isEmpty();
        assertThat(refusals(ops, null, Set.of(401))).as("operator routes reached signed out").isEmpty();
        assertThat(TableDigests.of(db.jdbi())).isEqualTo(before);
        assertThat(api.get("/api/ops/stats", OPS_TOKEN).status()).as("the operator token itself works").isEqualTo(200);
    }

    @Test
    void signedOutCallersAreRefusedEverythingButThePublicRoutesAndNothingChanges() {
        List<Operation> signedIn = OpenApiExamples.operations(document).stream()
                .filter(op -> !PUBLIC.containsKey(op.key())).toList();
        Map<String, String> before = TableDigests.of(db.jdbi());
        assertThat(refusals(signedIn, null, Set.of(401))).as("routes answered to a signed-out caller").isEmpty();
        assertThat(refusals(signedIn, "x".repeat(43), Set.of(401))).as("routes answered to an unknown token").isEmpty();
        assertThat(TableDigests.of(db.jdbi())).isEqualTo(before);
    }
}
