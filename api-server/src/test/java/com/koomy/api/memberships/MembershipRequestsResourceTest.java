package com.koomy.api.memberships;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceCommunity;
import com.koomy.api.ResourceTests;
import com.koomy.api.communities.CommunitiesRoutes;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipRequestDao;
import com.koomy.memberships.MembershipRequests;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.UUID;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link MembershipRequestsResource} alone: its validation, its access rules and what it answers. */
class MembershipRequestsResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.of(t -> new MembershipRequestsResource(
            new MembershipRequests(t.jdbi(), new CommunitiesRoutes(t.app()).communities())));

    /** A pending member of {@code club} and its open request, as joining an approval community leaves them. */
    private static UUID request(ResourceCommunity club, ApiCalls.User asker) {
        UUID id = UUID.randomUUID();
        api.jdbi().useExtension(MembershipRequestDao.class, dao -> dao.insert(id, club.id(), asker.id()));
        return id;
    }

    private static ApiCalls.User asker(ResourceCommunity club, String name) {
        return club.member(name, Membership.MEMBER, Membership.PENDING);
    }

    private static String status(UUID requestId) {
        return api.jdbi().withHandle(h -> h.createQuery("SELECT status FROM membership_requests WHERE id = :id")
                .bind("id", requestId).mapTo(String.class).one());
    }

    @Test
    void pendingListsTheCommunitysOpenRequestsWithTheAskers() {
        ResourceCommunity club = ResourceCommunity.create(api, "Approving club", "public", "approval");
        ApiCalls.User asker = asker(club, "Asker");
        UUID id = request(club, asker);
        ResourceCommunity other = ResourceCommunity.create(api, "Other club", "public", "approval");
        request(other, asker(other, "Elsewhere"));

        JsonNode items = api.as(club.owner()).get("/api/communities/" + club.id() + "/membership-requests").body().get("items");

        assertThat(items).hasSize(1);
        JsonNode r = items.get(0);
        assertThat(r.get("id").asText()).isEqualTo(id.toString());
        assertThat(r.get("communityId").asText()).isEqualTo(club.id().toString());
        assertThat(r.get("accountId").asText()).isEqualTo(asker.id().toString());
        assertThat(r.get("name").asText()).isEqualTo("Asker");
        assertThat(r.get("email").asText()).isEqualTo(asker.email());
        assertThat(r.get("status").asText()).isEqualTo("pending");
        assertThat(r.has("locale")).isFalse();
        assertFields(api.as(club.owner()).get("/api/communities/" + club.id() + "/membership-requests?limit=101"),
                "invalid_limit", "limit");
        assertFields(api.as(club.owner()).get("/api/communities/" + club.id() + "/membership-requests?cursor=x"),
                "invalid_cursor", "cursor");
    }

    @Test
    void approveAnswersTheApprovedRequestAndActivatesTheMember() {
        ResourceCommunity club = ResourceCommunity.create(api, "Welcoming club", "public", "approval");
        ApiCalls.User asker = asker(club, "Welcome");
        UUID id = request(club, asker);

        ApiReply approved = api.as(club.admin("Gatekeeper")).post(path(club, id, "approve"), Map.of("message", "Hello!"));

        assertThat(approved.status()).isEqualTo(200);
        assertThat(approved.body().get("status").asText()).isEqualTo("approved");
        assertThat(approved.body().get("message").asText()).isEqualTo("Hello!");
        assertThat(approved.body().get("decidedAt").asText()).isNotBlank();
        String membership = api.jdbi().withHandle(h -> h.createQuery(
                "SELECT status FROM memberships WHERE community_id = :c AND account_id = :a")
                .bind("c", club.id()).bind("a", asker.id()).mapTo(String.class).one());
        assertThat(membership).isEqualTo("active");
        api.as(club.owner()).post(path(club, id, "refuse"), null).assertError(409, "request_already_decided");
    }

    @Test
    void decisionsRefuseBadMessagesStrangersAndUnknownRequestsAndDecideNothing() {
        ResourceCommunity club = ResourceCommunity.create(api, "Careful club", "public", "approval");
        UUID id = request(club, asker(club, "Waiting"));
        ApiCalls.User member = club.member("Plain");
        ResourceCommunity other = ResourceCommunity.create(api, "Their club", "public", "approval");

        assertFields(api.as(club.owner()).post(path(club, id, "approve"), Map.of("message", "m".repeat(1001))),
                "validation_failed", "message");
        assertFields(api.as(club.owner()).post(path(club, id, "refuse"), Map.of("message", 12)), "validation_failed", "message");
        assertFields(api.as(club.owner()).post(path(club, id, "approve"), Map.of("note", "x")), "unknown_field", "note");
        api.anonymous().post(path(club, id, "approve"), null).assertError(401, "unauthorized");
        api.as(member).post(path(club, id, "approve"), null).assertError(403, "forbidden");
        api.as(member).get("/api/communities/" + club.id() + "/membership-requests").assertError(403, "forbidden");
        api.as(club.owner()).post(path(club, UUID.randomUUID(), "refuse"), null).assertError(404, "request_not_found");
        api.as(other.owner()).post(path(other, id, "approve"), null).assertError(404, "request_not_found");

        assertThat(status(id)).isEqualTo("pending");
        JsonNode refused = api.as(club.owner()).post(path(club, id, "refuse"), null).body();
        assertThat(refused.get("status").asText()).isEqualTo("refused");
        assertThat(status(id)).isEqualTo("refused");
    }

    private static String path(ResourceCommunity club, UUID requestId, String decision) {
        return "/api/communities/" + club.id() + "/membership-requests/" + requestId + "/" + decision;
    }
}
