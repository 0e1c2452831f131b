package com.koomy.api.communities;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceTests;
import com.koomy.communities.Communities;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@link CommunityLifeResource} alone, as {@link CommunitiesRoutes} registers it: transfer, archive, delete. */
class CommunityLifeResourceTest {

    private static CommunitiesRoutes routes;

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(CommunityLifeResource.class, t -> {
        routes = new CommunitiesRoutes(t.app());
        routes.register(t.app());
    });

    private static UUID community(ApiCalls.User owner) {
        return routes.communities().create(owner.id(),
                new Communities.NewCommunity("Jardins partagés", null, "public", "open", "fr", null)).id();
    }

    private static void member(UUID community, ApiCalls.User user, String role, String status) {
        api.jdbi().useExtension(MembershipDao.class, dao -> dao.insert(community, user.id(), role, status));
    }

    private static String role(UUID community, ApiCalls.User user) {
        return api.jdbi().withHandle(h -> h.createQuery("SELECT role FROM memberships WHERE community_id = :c AND account_id = :a")
                .bind("c", community).bind("a", user.id()).mapTo(String.class).one());
    }

    @Test
    void everyRouteIsForOwnersOnly() {
        ApiCalls.User owner = api.account("Owner");
        ApiCalls.User admin = api.account("Admin");
        UUID id = community(owner);
        member(id, admin, Membership.ADMIN, Membership.ACTIVE);
        String base = "/api/communities/" + id;

        api.anonymous().post(base + "/archive", null).assertError(401, "unauthorized");
        api.as(admin).post(base + "/archive", null).assertError(403, "forbidden");
        api.as(admin).post(base + "/unarchive", null).assertError(403, "forbidden");
        api.as(admin).delete(base).assertError(403, "forbidden");
        api.as(admin).post(base + "/transfer", Map.of("toUserId", admin.id().toString())).assertError(403, "forbidden");
        api.as(api.account("Stranger")).post(base + "/archive", null).assertError(404, "community_not_found");
        api.as(owner).post("/api/communities/" + UUID.randomUUID() + "/archive", null).assertError(404, "community_not_found");
        assertThat(api.count("communities WHERE archived_at IS NOT NULL AND id = '" + id + "'")).isZero();
    }

    @Test
    void transferRefusesBadBodiesAndTargetsAndChangesNoRole() {
        ApiCalls.User owner = api.account("Giver");
        ApiCalls.User pending = api.account("Pending");
        UUID id = community(owner);
        member(id, pending, Membership.MEMBER, Membership.PENDING);
        String path = "/api/communities/" + id + "/transfer";

        assertFields(api.as(owner).post(path, Map.of()), "validation_failed", "toUserId");
        assertFields(api.as(owner).post(path, Map.of("toUserId", "not-a-uuid")), "validation_failed", "toUserId");
        assertFields(api.as(owner).post(path, Map.of("toUserId", pending.id().toString(), "keepOwnership", "yes")),
                "validation_failed", "keepOwnership");
        assertFields(api.as(owner).post(path, Map.of("toUserId", pending.id().toString(), "role", "owner")), "unknown_field", "role");
        assertFields(api.as(owner).post(path, Map.of("toUserId", owner.id().toString())), 422, "invalid_target", "toUserId");
        api.as(owner).post(path, Map.of("toUserId", UUID.randomUUID().toString())).assertError(422, "not_a_member");
        api.as(owner).post(path, Map.of("toUserId", pending.id().toString())).assertError(409, "not_active");

        assertThat(role(id, owner)).isEqualTo(Membership.OWNER);
        assertThat(role(id, pending)).isEqualTo(Membership.MEMBER);
    }

    @Test
    void transferMakesTheTargetAnOwnerAndTheCallerAnAdminUnlessKept() {
        ApiCalls.User owner = api.account("Founder");
        ApiCalls.User next = api.account("Successor");
        UUID id = community(owner);
        member(id, next, Membership.MEMBER, Membership.ACTIVE);

        ApiReply moved = api.as(owner).post("/api/communities/" + id + "/transfer", Map.of("toUserId", next.id().toString()));

        assertThat(moved.status()).isEqualTo(200);
        assertThat(moved.body().get("id").asText()).isEqualTo(id.toString());
        assertThat(moved.body().get("membership").get("role").asText()).isEqualTo(Membership.ADMIN);
        assertThat(role(id, next)).isEqualTo(Membership.OWNER);
        api.as(owner).post("/api/communities/" + id + "/transfer", Map.of("toUserId", owner.id().toString()))
                .assertError(403, "forbidden"); // an admin now
        api.as(next).post("/api/communities/" + id + "/transfer", Map.of("toUserId", owner.id().toString(), "keepOwnership", true));
        assertThat(role(id, next)).isEqualTo(Membership.OWNER);
        assertThat(role(id, owner)).isEqualTo(Membership.OWNER);
    }

    @Test
    void archiveUnarchiveAndDeleteAnswerTheCommunityAsItNowIs() {
        ApiCalls.User owner = api.account("Keeper");
        UUID id = community(owner);
        String base = "/api/communities/" + id;

        api.as(owner).delete(base).assertError(409, "not_archived");
        api.as(owner).post(base + "/unarchive", null).assertError(409, "not_archived");

        JsonNode archived = api.as(owner).post(base + "/archive", null).body();
        Instant archivedAt = Instant.parse(archived.get("archivedAt").asText());
        assertThat(archived.get("deletionDueAt").isNull()).isTrue();
        api.as(owner).post(base + "/archive", null).assertError(409, "already_archived");

        ApiReply scheduled = api.as(owner).delete(base);
        assertThat(scheduled.status()).isEqualTo(202);
        Duration grace = api.app().config().getCommunityDeletionGrace().toJavaDuration();
        assertThat(Instant.parse(scheduled.body().get("deletionDueAt").asText()))
                .isCloseTo(archivedAt.plus(grace), within(Duration.ofMinutes(1)));

        JsonNode back = api.as(owner).post(base + "/unarchive", null).body();
        assertThat(back.get("archivedAt").isNull()).isTrue();
        assertThat(back.get("deletionDueAt").isNull()).isTrue();
    }
}
