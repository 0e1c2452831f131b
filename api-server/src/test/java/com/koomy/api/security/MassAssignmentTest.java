package com.koomy.api.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.security.OpenApiExamples.Operation;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mass assignment: every create and update body of every documented route, sent by an admin and by a
 * plain member with fields the route does not declare — a role, another community, an owner, an
 * account id, a status, a paid-until date, operator and verified flags, an id of the caller's
 * choosing... — is refused (400 unknown_field, on every body since issue 19): afterwards no row holds any of those values,
 * the other tenant's rows are untouched, and everyone's role is what it was.
 */
class MassAssignmentTest {

    private static final String FIXED_ID = "6d6d6d6d-6d6d-4d6d-8d6d-6d6d6d6d6d6d";
    private static final String PAID_UNTIL = "2099-12-31";
    private static final String MARKERS_ACCOUNT = "acct_mass_assigned";
    private static final String MARKER_SLUG = "mass-assigned-slug";
    private static final String MARKER_DATE = "2001-02-03";

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = AuthorizationWorld.app(db);

    private static ApiCalls api;
    private static JsonNode document;
    private static User owner;
    private static User admin;
    private static User member;
    private static UUID community;
    private static UUID victimCommunity;
    private static User victim;
    private static final Map<String, String> IDS = new HashMap<>();

    @BeforeAll
    static void tenants() {
        // Unchecked against the document: this test sends undeclared fields, and bodies where none is declared,
        // on purpose; the server still ignores some of them with a 2xx (join, password-reset), which the
        // contract check rightly reports (issue 19, strict input: not done yet).
        api = new ApiCalls(() -> app.getLocalPort()).withoutContract();
        owner = api.user("Olga Owner");
        admin = api.user("Adam Admin");
        member = api.user("Max Member");
        community = api.community(owner, "Mass Assignment Club", "public", "open");
        String c = "/api/communities/" + community;
        assertThat(api.call("POST", c + "/join", admin.token(), null).status()).isEqualTo(201);
        assertThat(api.call("PATCH", c + "/members/" + admin.id(), owner.token(), Map.of("role", "admin")).status()).isEqualTo(200);
        assertThat(api.call("POST", c + "/join", member.token(), null).status()).isEqualTo(201);
        victim = api.user("Victor Victim");
        victimCommunity = api.community(victim, "Victim Society", "private", "approval");

        ApiReply post = api.call("POST", c + "/news", owner.token(), Map.of("title", "Assembly", "body", "Tuesday"));
        ApiReply draft = api.call("POST", c + "/news/drafts", owner.token(), Map.of("brief", "the fair"));
        Instant start = Instant.now().plus(3, ChronoUnit.DAYS);
        ApiReply event = api.call("POST", c + "/events", owner.token(), Map.of("title", "Fair", "startsAt", start.toString(),
                "endsAt", start.plusSeconds(3600).toString(), "timeZone", "Europe/Paris", "capacity", 20));
        String eventId = event.body().get("id").asText();
        ApiReply ticket = api.call("POST", "/api/events/" + eventId + "/registrations?qr=false", member.token(), null);
        ApiReply tier = api.call("POST", c + "/dues/tiers", owner.token(),
                Map.of("name", "Yearly", "amount", 3000, "currency", "eur", "period", "yearly"));
        IDS.put("id", community.toString());
        IDS.put("communityId", community.toString());
        IDS.put("accountId", member.id().toString());
        IDS.put("postId", post.body().get("id").asText());
        IDS.put("newsletterId", api.call("POST", c + "/newsletters", owner.token(), Map.of("subject", "Fair", "body", "Soon"))
                .body().get("id").asText());
        IDS.put("draftId", draft.body().get("draftId").asText());
        IDS.put("eventId", eventId);
        IDS.put("ticketId", ticket.body().get("ticketId").asText());
        IDS.put("sessionId", "0".repeat(64));
        IDS.put("exportId", UUID.randomUUID().toString());
        IDS.put("tierId", tier.body().get("id").asText());
        ApiReply payment = api.call("POST", c + "/payments/manual", owner.token(), Map.of("accountId", member.id().toString(),
                "tierId", tier.body().get("id").asText(), "method", "cash", "clientReference", "mass-assignment-1"));
        assertThat(payment.status()).as(payment.body().toString()).isEqualTo(201);
        IDS.put("paymentId", payment.body().get("id").asText());
        IDS.put("mediaId", UUID.randomUUID().toString());
        IDS.put("requestId", UUID.randomUUID().toString());
        document = api.get("/api/openapi.json", null).body();
    }

    /** Fields a client must never set this way, with values that would show if one were taken. */
    private static Map<String, JsonNode> hostileFields() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        fields.put("id", json.textNode(FIXED_ID));
        fields.put("role", json.textNode("owner"));
        fields.put("status", json.textNode("active"));
        fields.put("communityId", json.textNode(victimCommunity.toString()));
        fields.put("community", json.textNode(victimCommunity.toString()));
        fields.put("community_id", json.textNode(victimCommunity.toString()));
        fields.put("ownerId", json.textNode(victim.id().toString()));
        fields.put("owner", json.textNode(victim.id().toString()));
        fields.put("accountId", json.textNode(victim.id().toString()));
        fields.put("account_id", json.textNode(victim.id().toString()));
        fields.put("authorId", json.textNode(victim.id().toString()));
        fields.put("createdBy", json.textNode(victim.id().toString()));
        fields.put("paidUntil", json.textNode(PAID_UNTIL));
        fields.put("duesPaidUntil", json.textNode(PAID_UNTIL));
        fields.put("dues_paid_until", json.textNode(PAID_UNTIL));
        fields.put("platformOperator", json.booleanNode(true));
        fields.put("platform_operator", json.booleanNode(true));
        fields.put("emailVerified", json.booleanNode(true));
        fields.put("emailVerifiedAt", json.textNode(MARKER_DATE + "T00:00:00Z"));
        fields.put("plan", json.textNode("federation"));
        fields.put("stripeAccount", json.textNode(MARKERS_ACCOUNT));
        fields.put("slug", json.textNode(MARKER_SLUG));
        fields.put("createdAt", json.textNode(MARKER_DATE + "T00:00:00Z"));
        fields.put("publishedAt", json.textNode(MARKER_DATE + "T00:00:00Z"));
        fields.put("serial", json.numberNode(987654321));
        fields.put("memberCount", json.numberNode(987654321));
        return fields;
    }

    /** A body the route accepts as is, so that only the added field can make a difference. */
    private static ObjectNode baseline(Operation op) {
        ObjectNode body = (ObjectNode) OpenApiExamples.body(document, op.spec());
        if (op.key().equals("POST /api/auth/register")) {
            body.put("email", "mass-" + UUID.randomUUID() + "@example.org").put("locale", "en")
                    .put("password", "correct horse battery").put("name", "Mass Registrant");
        }
        return body;
    }

    private static boolean declares(Operation op, String field) {
        JsonNode schema = op.spec().path("requestBody").path("content").path("application/json").path("schema");
        if (schema.has("$ref")) {
            schema = document.path("components").path("schemas").path(schema.get("$ref").asText().replace("#/components/schemas/", ""));
        }
        return schema.path("properties").has(field);
    }

    @Test
    void undeclaredFieldsInEveryCreateAndUpdateBodyAreRefusedOrIgnored() {
        Map<String, String> victimRows = TableDigests.rowsMentioning(db.jdbi(), victimCommunity.toString());
        Map<String, String> victimAccountRows = TableDigests.rowsMentioning(db.jdbi(), victim.id().toString());
        List<String> serverErrors = new ArrayList<>();
        List<String> accepted = new ArrayList<>();
        int calls = 0;
        for (Operation op : OpenApiExamples.operations(document)) {
            if (!op.bodyTypes().contains("application/json") || op.path().startsWith("/api/ops")) {
                continue; // operators are trusted with their own routes (FunctionLevelAuthorizationTest keeps others out)
            }
            String path = OpenApiExamples.fill(op.path(), IDS::get);
            // Sign-up, sign-in and resets do not depend on who calls: one caller is enough there.
            for (User caller : op.path().startsWith("/api/auth/") ? List.of(member) : List.of(admin, member)) {
                ObjectNode all = baseline(op);
                for (Map.Entry<String, JsonNode> field : hostileFields().entrySet()) {
                    if (declares(op, field.getKey())) {
                        continue;
                    }
                    ObjectNode body = baseline(op).set(field.getKey(), field.getValue());
                    all.set(field.getKey(), field.getValue());
                    ApiReply reply = api.send(op.method(), path, caller.token(), "application/json",
                            body.toString().getBytes(StandardCharsets.UTF_8));
                    calls++;
                    if (reply.status() >= 500) {
                        serverErrors.add(op.key() + " " + field.getKey() + " -> " + reply.status());
                    } else if (reply.status() < 300) {
                        accepted.add(op.key() + " with " + field.getKey());
                    }
                }
                ApiReply reply = api.send(op.method(), path, caller.token(), "application/json",
                        all.toString().getBytes(StandardCharsets.UTF_8));
                calls++;
                if (reply.status() >= 500) {
                    serverErrors.add(op.key() + " all fields -> " + reply.status());
                }
            }
        }
        assertThat(serverErrors).as("server errors (%d calls)", calls).isEmpty();
        assertThat(calls).isGreaterThan(500);
        // Every body refuses what it does not declare (sign-up ignored it before issue 19; StrictJsonBodies).
        assertThat(accepted).as("bodies that accepted an undeclared field").isEmpty();
        for (String marker : List.of(FIXED_ID, PAID_UNTIL, MARKERS_ACCOUNT, MARKER_SLUG, MARKER_DATE, "987654321")) {
            assertThat(TableDigests.tablesContaining(db.jdbi(), marker)).as("tables holding the mass-assigned value %s", marker).isEmpty();
        }
        assertThat(TableDigests.rowsMentioning(db.jdbi(), victimCommunity.toString())).as("the other community's rows").isEqualTo(victimRows);
        assertThat(TableDigests.rowsMentioning(db.jdbi(), victim.id().toString())).as("the other owner's rows").isEqualTo(victimAccountRows);
        assertThat(count("SELECT count(*) FROM accounts WHERE platform_operator OR email_verified_at IS NOT NULL")).isZero();
        assertThat(count("SELECT count(*) FROM community_subscriptions WHERE plan <> 'free'")).isZero();
        assertRoles();
    }

    @Test
    void joiningWithARoleOrStatusInTheBodyGivesAPlainPendingOrActiveMembership() {
        User newcomer = api.user("Nina Newcomer");
        Map<String, Object> escalation = Map.of("role", "owner", "status", "active", "duesPaidUntil", PAID_UNTIL);
        ApiReply open = api.call("POST", "/api/communities/" + community + "/join", newcomer.token(), escalation);
        assertThat(open.status()).isIn(201, 400);
        ApiReply approval = api.call("POST", "/api/communities/" + victimCommunity + "/join", newcomer.token(), escalation);
        assertThat(approval.status()).isIn(201, 400, 404);
        assertThat(db.jdbi().<List<String>, RuntimeException>withHandle(h -> h.createQuery(
                        "SELECT role || ' ' || status || ' ' || coalesce(dues_paid_until::text, '-') FROM memberships WHERE account_id = :a ORDER BY community_id = :c DESC")
                .bind("a", newcomer.id()).bind("c", community).mapTo(String.class).list()))
                .isSubsetOf("member active -", "member pending -");
        assertRoles();
    }

    private static void assertRoles() {
        assertThat(role(owner)).isEqualTo("owner");
        assertThat(role(admin)).isEqualTo("admin");
        assertThat(role(member)).isEqualTo("member");
        assertThat(count("SELECT count(*) FROM memberships WHERE role = 'owner' AND community_id = '" + community + "'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM memberships WHERE community_id = '" + victimCommunity + "' AND status = 'active'")).isEqualTo(1);
    }

    private static String role(User user) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT role FROM memberships WHERE community_id = :c AND account_id = :a")
                .bind("c", community).bind("a", user.id()).mapTo(String.class).one());
    }

    private static long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }
}
