package com.koomy.api.memberships;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Membership requests through the HTTP API (issue 21): the pending list, approve and refuse, the member's
 * email either way, 409 for a second decision, 404 for another community's request, and no change on refusal.
 */
class MembershipRequestsIntegrationTest {

    @RegisterExtension
    static TestStack<ApiConfiguration> stack = ApiTestApp.stack();

    private final ApiCalls api = new ApiCalls(() -> stack.app.getLocalPort()).checkingContract();
    private final MemberFieldCalls calls = new MemberFieldCalls(api, stack.db);
    private final MembershipRequestCalls requests = new MembershipRequestCalls(api, stack.db);

    @Test
    void adminsListPendingRequestsInPages() {
        User owner = api.user("Owner Requests");
        User admin = api.user("Admin Requests");
        User member = api.user("Member Requests");
        User otherOwner = api.user("Other Owner Requests");
        UUID id = api.community(owner, "Requests Club", "public", "approval");
        UUID other = api.community(otherOwner, "Other Requests Club", "public", "approval");
        calls.join(id, admin, null);
        api.call("PATCH", "/api/communities/" + id + "/members/" + admin.id(), owner.token(), Map.of("role", "admin", "status", "active"));
        calls.join(id, member, null);
        api.call("PATCH", "/api/communities/" + id + "/members/" + member.id(), owner.token(), Map.of("status", "active"));
        assertThat(requests.state(id, admin)).as("approved through PATCH: the request is closed").isEqualTo("approved/active");
        assertThat(calls.put(id, owner, List.of(MemberFieldCalls.field("instrument", "Instrument", "text", null, true, null)))
                .status()).isEqualTo(200);
        List<User> applicants = new ArrayList<>();
        for (String name : new String[]{"Zed Applicant", "Amy Applicant", "Kim Applicant"}) {
            User user = api.user(name);
            assertThat(calls.join(id, user, Map.of("instrument", name.substring(0, 3))).body().get("status").asText())
                    .isEqualTo("pending");
            applicants.add(user);
        }
        calls.join(other, api.user("Elsewhere Applicant"), null);

        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            ApiReply page = requests.list(id, admin, "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body().get("items").size()).isLessThanOrEqualTo(2);
            page.body().get("items").forEach(r -> seen.add(r.get("name").asText() + ":" + r.at("/fields/instrument").asText()));
            cursor = page.body().get("nextCursor").isNull() ? null : page.body().get("nextCursor").asText();
        } while (cursor != null);
        assertThat(seen).as("oldest first").containsExactly("Zed Applicant:Zed", "Amy Applicant:Amy", "Kim Applicant:Kim");
        JsonNode first = requests.list(id, owner, "").body().at("/items/0");
        assertThat(first.get("id").asText()).isEqualTo(requests.requestOf(id, applicants.get(0)).toString());
        assertThat(first.get("email").asText()).isEqualTo(applicants.get(0).email());
        assertThat(first.get("status").asText()).isEqualTo("pending");
        assertThat(first.has("locale")).isFalse();

        assertThat(requests.list(id, member, "").status()).isEqualTo(403);
        assertThat(requests.list(id, applicants.get(0), "").status()).as("a pending member").isEqualTo(404);
        assertThat(requests.list(id, otherOwner, "").status()).as("another community's owner").isEqualTo(404);
        assertThat(requests.list(id, null, "").status()).isEqualTo(401);
        for (String bad : new String[]{"?limit=0", "?limit=101", "?limit=ten", "?cursor=QUJD", "?cursor=" + "x".repeat(1001)}) {
            assertThat(requests.list(id, owner, bad).status()).as(bad).isEqualTo(400);
        }
    }

    @Test
    void approvingActivatesTheMemberAndEmailsThem() {
        User owner = api.user("Owner Approve");
        User ann = api.user("Ann Approve");
        UUID id = api.community(owner, "Approve Club", "public", "approval");
        calls.join(id, ann, null);
        UUID request = requests.requestOf(id, ann);

        ApiReply approved = requests.decide(id, owner, request, "approve", Map.of("message", "  Welcome aboard!  "));
        assertThat(approved.status()).isEqualTo(200);
        assertThat(approved.body().get("status").asText()).isEqualTo("approved");
        assertThat(approved.body().get("message").asText()).isEqualTo("Welcome aboard!");
        assertThat(approved.body().get("decidedAt").isNull()).isFalse();
        assertThat(requests.state(id, ann)).isEqualTo("approved/active");
        assertThat(requests.emails("membership_approved", ann)).containsExactly("en Welcome aboard! Approve Club");
        assertThat(requests.list(id, owner, "").body().get("items").size()).isZero();

        ApiReply again = requests.decide(id, owner, request, "approve", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("request_already_decided");
        assertThat(requests.decide(id, owner, request, "refuse", null).code()).isEqualTo("request_already_decided");
        assertThat(requests.state(id, ann)).isEqualTo("approved/active");
        assertThat(requests.emails("membership_approved", ann)).hasSize(1);
        assertThat(requests.emails("membership_refused", ann)).isEmpty();
    }

    @Test
    void approvingThroughThePatchOfTheMemberIsTheSameApproval() {
        User owner = api.user("Owner Patch Approve");
        User dan = api.user("Dan Patch Approve");
        User eve = api.user("Eve Patch Approve");
        UUID id = api.community(owner, "Patch Approve Club", "public", "approval");
        calls.join(id, dan, null);
        calls.join(id, eve, null);
        UUID request = requests.requestOf(id, dan);

        ApiReply approved = api.call("PATCH", "/api/communities/" + id + "/members/" + dan.id(), owner.token(),
                Map.of("status", "active"));
        assertThat(approved.status()).isEqualTo(200);
        assertThat(approved.body().get("status").asText()).isEqualTo("active");
        assertThat(requests.state(id, dan)).isEqualTo("approved/active");
        assertThat(requests.emails("membership_approved", dan)).as("emailed as by the approve route").containsExactly("en - Patch Approve Club");
        String decidedBy = stack.db.jdbi().withHandle(h -> h.createQuery("SELECT decided_by::text FROM membership_requests WHERE id = :id")
                .bind("id", request).mapTo(String.class).one());
        assertThat(decidedBy).isEqualTo(owner.id().toString());
        ApiReply again = requests.decide(id, owner, request, "approve", null);
        assertThat(again.code()).isEqualTo("request_already_decided");
        assertThat(again.body().at("/error/details/status").asText()).isEqualTo("approved");
        assertThat(api.call("PATCH", "/api/communities/" + id + "/members/" + dan.id(), owner.token(), Map.of("status", "active"))
                .status()).as("no longer pending: a role-less no-op").isEqualTo(200);
        assertThat(requests.emails("membership_approved", dan)).hasSize(1);

        // Approval and a role in one call: one email, the request approved.
        assertThat(api.call("PATCH", "/api/communities/" + id + "/members/" + eve.id(), owner.token(),
                Map.of("status", "active", "role", "admin")).body().get("role").asText()).isEqualTo("admin");
        assertThat(requests.state(id, eve)).isEqualTo("approved/active");
        assertThat(requests.emails("membership_approved", eve)).containsExactly("en - Patch Approve Club");
    }

    @Test
    void refusingDeletesThePendingMembershipEmailsTheMemberAndAllowsAskingAgain() {
        User owner = api.user("Owner Refuse");
        User bob = api.user("Bob Refuse");
        UUID id = api.community(owner, "Refuse Club", "public", "approval");
        calls.join(id, bob, null);
        UUID request = requests.requestOf(id, bob);

        ApiReply refused = requests.decide(id, owner, request, "refuse", null);
        assertThat(refused.status()).isEqualTo(200);
        assertThat(refused.body().get("status").asText()).isEqualTo("refused");
        assertThat(refused.body().get("message").isNull()).isTrue();
        assertThat(requests.state(id, bob)).isEqualTo("refused/none");
        assertThat(requests.emails("membership_refused", bob)).containsExactly("en - Refuse Club");
        assertThat(requests.decide(id, owner, request, "refuse", Map.of("message", "again")).status()).isEqualTo(409);
        assertThat(requests.decide(id, owner, request, "approve", null).status()).isEqualTo(409);
        assertThat(requests.state(id, bob)).isEqualTo("refused/none");
        assertThat(requests.emails("membership_refused", bob)).hasSize(1);

        // Asking again opens a new request; a pending member who leaves withdraws theirs.
        assertThat(calls.join(id, bob, null).status()).isEqualTo(201);
        UUID second = requests.requestOf(id, bob);
        assertThat(second).isNotEqualTo(request);
        assertThat(requests.state(id, bob)).isEqualTo("pending/pending");
        assertThat(api.call("DELETE", "/api/communities/" + id + "/members/" + bob.id(), bob.token(), null).status()).isEqualTo(204);
        assertThat(requests.state(id, bob)).isEqualTo("withdrawn/none");
        ApiReply withdrawn = requests.decide(id, owner, second, "approve", null);
        assertThat(withdrawn.status()).isEqualTo(409);
        assertThat(withdrawn.body().at("/error/details/status").asText()).isEqualTo("withdrawn");
    }

    @Test
    void everyRefusalChangesNothing() {
        User owner = api.user("Owner Refusals");
        User admin = api.user("Admin Refusals");
        User member = api.user("Member Refusals");
        User cat = api.user("Cat Refusals");
        User otherOwner = api.user("Other Owner Refusals");
        UUID id = api.community(owner, "Refusals Club", "public", "approval");
        UUID other = api.community(otherOwner, "Other Refusals Club", "public", "approval");
        for (User u : List.of(admin, member)) {
            calls.join(id, u, null);
        }
        api.call("PATCH", "/api/communities/" + id + "/members/" + admin.id(), owner.token(), Map.of("role", "admin", "status", "active"));
        api.call("PATCH", "/api/communities/" + id + "/members/" + member.id(), owner.token(), Map.of("status", "active"));
        calls.join(id, cat, null);
        UUID request = requests.requestOf(id, cat);
        User elsewhere = api.user("Elsewhere Refusals");
        calls.join(other, elsewhere, null);
        UUID otherRequest = requests.requestOf(other, elsewhere);

        for (String decision : new String[]{"approve", "refuse"}) {
            assertThat(requests.decide(id, member, request, decision, null).status()).as(decision + " by a member").isEqualTo(403);
            assertThat(requests.decide(id, cat, request, decision, null).status()).as("by the applicant").isEqualTo(404);
            assertThat(requests.decide(id, otherOwner, request, decision, null).status()).as("another community's owner").isEqualTo(404);
            assertThat(requests.decide(other, otherOwner, request, decision, null).code()).as("through their own community")
                    .isEqualTo("request_not_found");
            assertThat(requests.decide(id, owner, otherRequest, decision, null).code()).as("another community's request")
                    .isEqualTo("request_not_found");
            assertThat(requests.decide(id, owner, UUID.randomUUID(), decision, null).code()).isEqualTo("request_not_found");
            assertThat(requests.decide(id, null, request, decision, null).status()).isEqualTo(401);
            ApiReply tooLong = requests.decide(id, admin, request, decision, Map.of("message", "x".repeat(1001)));
            assertThat(tooLong.code()).isEqualTo("validation_failed");
            assertThat(tooLong.body().at("/error/details/fields/0/field").asText()).isEqualTo("message");
            assertThat(requests.decide(id, admin, request, decision, "{\"message\": 42}").body().at("/error/details/fields/0/field").asText())
                    .isEqualTo("message");
            assertThat(requests.decide(id, admin, request, decision, "{\"message\": \"hi\", \"status\": \"approved\"}").code())
                    .isEqualTo("unknown_field");
            assertThat(requests.decide(id, admin, request, decision, "{\"message\": ").code()).isEqualTo("invalid_json");
        }
        assertThat(api.call("POST", "/api/communities/" + id + "/membership-requests/not-an-id/approve", owner.token(), null)
                .status()).isEqualTo(404);
        assertThat(requests.state(id, cat)).isEqualTo("pending/pending");
        assertThat(requests.state(other, elsewhere)).isEqualTo("pending/pending");
        assertThat(requests.emails("membership_approved", cat)).isEmpty();
        assertThat(requests.emails("membership_refused", cat)).isEmpty();

        assertThat(requests.decide(id, admin, request, "approve", Map.of()).status()).as("an admin may decide").isEqualTo(200);
        assertThat(requests.state(id, cat)).isEqualTo("approved/active");
    }
}
