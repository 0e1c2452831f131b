package com.koomy.api.memberships;

import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class InvitationsIntegrationTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db);

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort()).checkingContract();

    private ApiReply invite(UUID community, User caller, String email, String role) {
        return api.call("POST", "/api/communities/" + community + "/invitations", caller.token(),
                role == null ? Map.of("email", email) : Map.of("email", email, "role", role));
    }

    private ApiReply accept(User caller, String token) {
        return api.call("POST", "/api/invitations/accept", caller.token(), Map.of("token", token));
    }

    private ApiReply join(UUID community, User user) {
        return api.call("POST", "/api/communities/" + community + "/join", user.token(), null);
    }

    /** The token of the invitation email last queued for this address, read back from its accept link. */
    private String emailedToken(String email) {
        Map<String, Object> row = db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT variables->>'acceptUrl' AS url, idempotency_key AS key, template, locale,
                               variables->>'communityName' AS community, variables->>'inviterName' AS inviter,
                               variables->>'expiresOn' AS expires
                          FROM emails WHERE recipients->0->>'email' = :email AND template = 'invitation' ORDER BY created_at DESC LIMIT 1
                        """).bind("email", email.toLowerCase()).mapToMap().one());
        assertThat(row.get("template")).isEqualTo("invitation");
        assertThat((String) row.get("key")).startsWith("invitation:");
        assertThat(row.get("inviter")).isNotNull();
        assertThat(row.get("expires")).asString().matches("\\d{4}-\\d{2}-\\d{2}");
        String url = (String) row.get("url");
        assertThat(url).startsWith("http://127.0.0.1:8080/invitations/accept?token=");
        return URLDecoder.decode(url.substring(url.indexOf("token=") + 6), StandardCharsets.UTF_8);
    }

    private String membership(UUID community, User user) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT role || '/' || status FROM memberships WHERE community_id = :c AND account_id = :a")
                .bind("c", community).bind("a", user.id()).mapTo(String.class).findOne().orElse("none"));
    }

    @Test
    void anOwnerInvitesAndTheInvitedAccountAccepts() {
        User owner = api.user("Owner Invite");
        User ann = api.user("Ann Invited");
        User bob = api.user("Bob Forwarded");
        UUID id = api.community(owner, "Private Invite Club", "private", "open");

        ApiReply invited = invite(id, owner, ann.email().toUpperCase(), null);
        assertThat(invited.status()).isEqualTo(201);
        assertThat(invited.body().get("email").asText()).isEqualTo(ann.email());
        assertThat(invited.body().get("role").asText()).isEqualTo("member");
        assertThat(invited.body().get("expiresAt").asText()).isNotBlank();
        assertThat(invited.body().has("token")).isFalse();
        String token = emailedToken(ann.email());
        ApiReply pending = api.get("/api/communities/" + id + "/invitations", owner.token());
        assertThat(pending.body().get("items").get(0).get("id").asText()).isEqualTo(invited.body().get("id").asText());

        // A forwarded link does not let someone else in, and is not used up by the attempt.
        ApiReply wrong = accept(bob, token);
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.code()).isEqualTo("wrong_account");
        assertThat(membership(id, bob)).isEqualTo("none");
        assertThat(api.call("POST", "/api/invitations/accept", null, Map.of("token", token)).status()).isEqualTo(401);

        // Ann's own account on the invited address, not yet verified, cannot accept either: registering an
        // address proves nothing. Nothing changes, and the link still works once she has verified it.
        ApiReply unverified = accept(ann, token);
        assertThat(unverified.status()).isEqualTo(403);
        assertThat(unverified.code()).isEqualTo("email_not_verified");
        assertThat(unverified.error().message()).contains("verify your email address");
        assertThat(membership(id, ann)).isEqualTo("none");
        assertThat(api.get("/api/communities/" + id + "/invitations", owner.token()).body().get("items")).hasSize(1);
        api.verifyEmail(ann, db.jdbi());

        // The page (cached, with its member count) is read before the invitation is accepted...
        assertThat(api.get("/api/communities/" + id, owner.token()).body().get("activeMembers").asLong()).isEqualTo(1);
        ApiReply accepted = accept(ann, token);
        assertThat(accepted.status()).isEqualTo(200);
        assertThat(accepted.body().get("status").asText()).isEqualTo("active");
        // ...and shows the new member at once: accepting invalidates the cached page.
        assertThat(api.get("/api/communities/" + id, owner.token()).body().get("activeMembers").asLong()).isEqualTo(2);
        assertThat(membership(id, ann)).isEqualTo("member/active");
        assertThat(api.get("/api/communities/" + id, ann.token()).status()).isEqualTo(200);
        assertThat(api.get("/api/communities/" + id + "/invitations", owner.token()).body().get("items")).isEmpty();

        assertThat(invite(id, owner, ann.email(), null).code()).isEqualTo("already_member");
        ApiReply reused = accept(ann, token);
        assertThat(reused.status()).isEqualTo(400);
        assertThat(reused.code()).isEqualTo("invalid_token");
        assertThat(accept(ann, "not-a-token").code()).isEqualTo("invalid_token");
    }

    @Test
    void onlyOwnersInviteAdmins() {
        User owner = api.user("Owner Roles Invite");
        User admin = api.user("Admin Roles Invite");
        User member = api.user("Member Roles Invite");
        User carl = api.user("Carl Future Admin");
        UUID id = api.community(owner, "Roles Invite Club", "public", "open");
        join(id, admin);
        join(id, member);
        api.call("PATCH", "/api/communities/" + id + "/members/" + admin.id(), owner.token(), Map.of("role", "admin"));

        assertThat(invite(id, admin, "someone@example.org", "admin").code()).isEqualTo("owner_required");
        assertThat(invite(id, admin, "someone@example.org", "member").status()).isEqualTo(201);
        assertThat(invite(id, member, "someone@example.org", null).status()).isEqualTo(403);
        assertThat(api.get("/api/communities/" + id + "/invitations", member.token()).status()).isEqualTo(403);
        assertThat(invite(id, owner, carl.email(), "owner").status()).isEqualTo(400);
        assertThat(invite(id, owner, "not an email", null).status()).isEqualTo(400);
        ApiReply sneaky = api.call("POST", "/api/communities/" + id + "/invitations", owner.token(),
                Map.of("email", carl.email(), "communityId", UUID.randomUUID().toString()));
        assertThat(sneaky.code()).isEqualTo("unknown_field");

        assertThat(invite(id, owner, carl.email(), "admin").status()).isEqualTo(201);
        api.verifyEmail(carl, db.jdbi());
        assertThat(accept(carl, emailedToken(carl.email())).body().get("role").asText()).isEqualTo("admin");
        assertThat(membership(id, carl)).isEqualTo("admin/active");
    }

    @Test
    void anotherCommunitysAdminsAndOutsidersGet404() {
        User ownerA = api.user("Owner Tenant A");
        User ownerB = api.user("Owner Tenant B");
        User dan = api.user("Dan Tenant");
        UUID a = api.community(ownerA, "Tenant A Club", "public", "open");
        api.community(ownerB, "Tenant B Club", "public", "open");

        ApiReply foreign = invite(a, ownerB, dan.email(), null);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.code()).isEqualTo("community_not_found");
        assertThat(api.get("/api/communities/" + a + "/invitations", ownerB.token()).status()).isEqualTo(404);
        assertThat(invite(UUID.randomUUID(), ownerB, dan.email(), null).status()).isEqualTo(404);
        assertThat(api.call("POST", "/api/communities/" + a + "/invitations", null, Map.of("email", dan.email()))
                .status()).isEqualTo(401);
        Long emails = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM emails WHERE recipients->0->>'email' = :e AND template = 'invitation'")
                .bind("e", dan.email()).mapTo(Long.class).one());
        assertThat(emails).isZero();
    }

    @Test
    void aNewInvitationReplacesThePendingOneAndExpiredLinksFail() {
        User owner = api.user("Owner Reinvite");
        User eve = api.user("Eve Reinvited");
        UUID id = api.community(owner, "Reinvite Club", "public", "approval");

        invite(id, owner, eve.email(), null);
        String first = emailedToken(eve.email());
        invite(id, owner, eve.email(), null);
        String second = emailedToken(eve.email());
        assertThat(second).isNotEqualTo(first);
        assertThat(accept(eve, first).code()).isEqualTo("invalid_token");

        db.jdbi().useHandle(h -> h.execute("UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE email = ?",
                eve.email()));
        assertThat(accept(eve, second).code()).isEqualTo("invalid_token");

        // A pending membership (community by approval) becomes active through an invitation.
        api.verifyEmail(eve, db.jdbi());
        join(id, eve);
        assertThat(membership(id, eve)).isEqualTo("member/pending");
        invite(id, owner, eve.email(), null);
        assertThat(accept(eve, emailedToken(eve.email())).status()).isEqualTo(200);
        assertThat(membership(id, eve)).isEqualTo("member/active");
    }
}
