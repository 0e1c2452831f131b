package com.koomy.api.memberships;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceCommunity;
import com.koomy.api.ResourceTests;
import com.koomy.memberships.Invitations;
import com.koomy.memberships.Membership;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import static com.koomy.api.ResourceTests.assertFields;
import static com.koomy.api.memberships.ResourceMemberships.archive;
import static com.koomy.api.memberships.ResourceMemberships.membership;
import static com.koomy.api.memberships.ResourceMemberships.verified;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@link InvitationsResource} alone, as {@link MembershipsRoutes} registers it: invitations sent, listed and accepted. */
class InvitationsResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(InvitationsResource.class, ResourceMemberships::register)
            .checkingDeclaredCodes();

    private static final String ACCEPT = "/api/invitations/accept";

    private static String invitations(ResourceCommunity club) {
        return "/api/communities/" + club.id() + "/invitations";
    }

    private static ApiReply invite(ResourceCommunity club, ApiCalls.User caller, Object body) {
        return api.as(caller).post(invitations(club), body);
    }

    private static ApiReply accept(ApiCalls.User caller, String token) {
        return api.as(caller).post(ACCEPT, Map.of("token", token));
    }

    /** The token of the invitation last emailed to {@code email}, read back from the accept link of its email. */
    private static String emailedToken(String email) {
        String url = api.jdbi().withHandle(h -> h.createQuery("""
                        SELECT variables ->> 'acceptUrl' FROM emails
                         WHERE template = 'invitation' AND recipients -> 0 ->> 'email' = :email ORDER BY created_at DESC LIMIT 1
                        """).bind("email", email).mapTo(String.class).one());
        assertThat(url).startsWith(api.app().config().appPagesUrl().replaceAll("/$", "") + "/invitations/accept?token=");
        return URLDecoder.decode(url.substring(url.indexOf("token=") + 6), StandardCharsets.UTF_8);
    }

    private static long invitationEmails() {
        return api.count("emails WHERE template = 'invitation'");
    }

    @Test
    void inviteAnswers201AndEmailsTheLinkThatTheInvitedAccountAccepts() {
        ResourceCommunity club = ResourceCommunity.create(api, "Inviting club", "private", "open");
        ApiCalls.User ann = api.account("Ann Invited");

        ApiReply invited = invite(club, club.owner(), Map.of("email", ann.email().toUpperCase()));

        assertThat(invited.status()).isEqualTo(201);
        JsonNode invitation = invited.body();
        assertThat(invitation.get("communityId").asText()).isEqualTo(club.id().toString());
        assertThat(invitation.get("email").asText()).isEqualTo(ann.email());
        assertThat(invitation.get("role").asText()).isEqualTo("member");
        assertThat(invitation.get("invitedBy").asText()).isEqualTo(club.owner().id().toString());
        assertThat(Instant.parse(invitation.get("expiresAt").asText()))
                .isCloseTo(Instant.now().plus(Invitations.TTL), within(1, ChronoUnit.MINUTES));
        assertThat(invitation.has("token")).isFalse();
        assertThat(api.count("invitations WHERE id = '" + invitation.get("id").asText() + "' AND email = '" + ann.email() + "'"))
                .isEqualTo(1);
        JsonNode pending = api.as(club.owner()).get(invitations(club)).body().get("items");
        assertThat(pending).hasSize(1);
        assertThat(pending.get(0)).isEqualTo(invitation);
        verified(api, ann);

        ApiReply accepted = accept(ann, emailedToken(ann.email()));

        assertThat(accepted.status()).isEqualTo(200);
        assertThat(accepted.body().get("communityId").asText()).isEqualTo(club.id().toString());
        assertThat(accepted.body().get("accountId").asText()).isEqualTo(ann.id().toString());
        assertThat(accepted.body().get("role").asText()).isEqualTo("member");
        assertThat(accepted.body().get("status").asText()).isEqualTo("active");
        assertThat(membership(api, club, ann)).isEqualTo("member/active");
        assertThat(api.count("invitations WHERE accepted_by = '" + ann.id() + "' AND accepted_at IS NOT NULL")).isEqualTo(1);
        assertThat(api.as(club.owner()).get(invitations(club)).body().get("items")).isEmpty();
        assertFields(accept(ann, emailedToken(ann.email())), "invalid_token", "token");
    }

    @Test
    void theInvitedRoleIsGivenAndAPendingMemberBecomesActive() {
        ResourceCommunity club = ResourceCommunity.create(api, "Ranked club", "public", "approval");
        ApiCalls.User admin = club.admin("Inviting admin");
        ApiCalls.User carl = api.account("Carl Future Admin");
        ApiCalls.User eve = club.member("Eve Waiting", Membership.MEMBER, Membership.PENDING);
        verified(api, carl);
        verified(api, eve);

        assertThat(invite(club, admin, Map.of("email", eve.email())).status()).isEqualTo(201);
        assertThat(invite(club, club.owner(), Map.of("email", carl.email(), "role", "admin")).body().get("role").asText())
                .isEqualTo("admin");

        assertThat(accept(carl, emailedToken(carl.email())).body().get("role").asText()).isEqualTo("admin");
        assertThat(accept(eve, emailedToken(eve.email())).body().get("status").asText()).isEqualTo("active");
        assertThat(membership(api, club, carl)).isEqualTo("admin/active");
        assertThat(membership(api, club, eve)).isEqualTo("member/active");
    }

    @Test
    void inviteRefusesBadBodiesTheWrongCallersAndMembersAndQueuesNothing() {
        ResourceCommunity club = ResourceCommunity.create(api, "Careful inviting club");
        ApiCalls.User admin = club.admin("Careful admin");
        ApiCalls.User member = club.member("Careful member");
        ResourceCommunity other = ResourceCommunity.create(api, "Other inviting club");
        ResourceCommunity archived = ResourceCommunity.create(api, "Archived inviting club");
        archive(api, archived);
        Map<String, Object> someone = Map.of("email", "someone@example.org");
        long invitations = api.count("invitations");
        long emails = invitationEmails();

        assertFields(invite(club, club.owner(), Map.of("email", "")), "validation_failed", "email");
        assertFields(invite(club, club.owner(), Map.of("email", "not an email")), "validation_failed", "email");
        String tooLong = "a".repeat(10) + "@" + ("d".repeat(60) + ".").repeat(4) + "org"; // a well-formed address, 258 long
        assertFields(invite(club, club.owner(), Map.of("email", tooLong)), "validation_failed", "email");
        assertFields(invite(club, club.owner(), Map.of("email", "x@example.org", "role", "owner")), "validation_failed", "role");
        assertFields(invite(club, club.owner(), Map.of("email", "x@example.org", "communityId", other.id())), "unknown_field",
                "communityId");
        assertThat(invite(club, club.owner(), null).code()).isEqualTo("validation_failed");
        api.anonymous().post(invitations(club), someone).assertError(401, "unauthorized");
        invite(club, member, someone).assertError(403, "forbidden");
        invite(club, admin, Map.of("email", "x@example.org", "role", "admin")).assertError(403, "owner_required");
        invite(club, other.owner(), someone).assertError(404, "community_not_found");
        api.as(club.owner()).post("/api/communities/" + UUID.randomUUID() + "/invitations", someone)
                .assertError(404, "community_not_found");
        invite(club, club.owner(), Map.of("email", member.email())).assertError(409, "already_member");
        invite(archived, archived.owner(), someone).assertError(409, "community_archived");
        api.anonymous().get(invitations(club)).assertError(401, "unauthorized");
        api.as(member).get(invitations(club)).assertError(403, "forbidden");
        api.as(other.owner()).get(invitations(club)).assertError(404, "community_not_found");

        assertThat(api.count("invitations")).isEqualTo(invitations);
        assertThat(invitationEmails()).isEqualTo(emails);
        assertThat(invite(club, admin, someone).status()).isEqualTo(201);
        assertThat(invitationEmails()).isEqualTo(emails + 1);
    }

    @Test
    void acceptRefusesAnotherAccountAnUnverifiedOneAndBadOrExpiredTokens() {
        ResourceCommunity club = ResourceCommunity.create(api, "Accepting club");
        ApiCalls.User ann = api.account("Ann Unverified");
        ApiCalls.User bob = api.account("Bob Forwarded");
        verified(api, bob);
        invite(club, club.owner(), Map.of("email", ann.email()));
        String token = emailedToken(ann.email());

        accept(bob, token).assertError(403, "wrong_account");
        accept(ann, token).assertError(403, "email_not_verified");
        api.anonymous().post(ACCEPT, Map.of("token", token)).assertError(401, "unauthorized");
        assertFields(accept(ann, ""), "validation_failed", "token");
        assertFields(accept(ann, "t".repeat(201)), "validation_failed", "token");
        assertFields(api.as(ann).post(ACCEPT, Map.of("token", token, "email", ann.email())), "unknown_field", "email");
        assertFields(accept(ann, "not-a-token"), "invalid_token", "token");
        verified(api, ann);
        archive(api, club);
        accept(ann, token).assertError(409, "community_archived");
        api.jdbi().useHandle(h -> h.execute("UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE email = ?",
                ann.email()));
        assertFields(accept(ann, token), "invalid_token", "token");

        assertThat(membership(api, club, ann)).isEqualTo("none");
        assertThat(membership(api, club, bob)).isEqualTo("none");
        assertThat(api.count("invitations WHERE accepted_at IS NOT NULL AND community_id = '" + club.id() + "'")).isZero();
    }
}
