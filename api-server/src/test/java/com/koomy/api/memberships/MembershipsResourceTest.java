package com.koomy.api.memberships;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceCommunity;
import com.koomy.api.ResourceTests;
import com.koomy.memberships.Membership;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.koomy.api.ResourceTests.assertFields;
import static com.koomy.api.memberships.ResourceMemberships.LEVEL;
import static com.koomy.api.memberships.ResourceMemberships.archive;
import static com.koomy.api.memberships.ResourceMemberships.define;
import static com.koomy.api.memberships.ResourceMemberships.memberWith;
import static com.koomy.api.memberships.ResourceMemberships.membership;
import static com.koomy.api.memberships.ResourceMemberships.names;
import static com.koomy.api.memberships.ResourceMemberships.rows;
import static com.koomy.api.memberships.ResourceMemberships.withFields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@link MembershipsResource} alone, as {@link MembershipsRoutes} registers it: joins, both directories, changes, removals. */
class MembershipsResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(MembershipsResource.class, ResourceMemberships::register)
            .checkingDeclaredCodes();

    private static String members(ResourceCommunity club) {
        return "/api/communities/" + club.id() + "/members";
    }

    private static ApiReply join(ResourceCommunity club, ApiCalls.User user, Object body) {
        return api.as(user).post("/api/communities/" + club.id() + "/join", body);
    }

    private static ApiReply change(ResourceCommunity club, ApiCalls.User caller, ApiCalls.User target, Object body) {
        return api.as(caller).patch(members(club) + "/" + target.id(), body);
    }

    @Test
    void joinAnswers201ActiveInAnOpenCommunityAndPendingWithARequestInOneByApproval() {
        ResourceCommunity open = ResourceCommunity.create(api, "Open club");
        ResourceCommunity approval = ResourceCommunity.create(api, "Approval club", "public", "approval");
        ApiCalls.User joiner = api.account("Joiner");

        ApiReply joined = join(open, joiner, null);

        assertThat(joined.status()).isEqualTo(201);
        assertThat(joined.body().get("communityId").asText()).isEqualTo(open.id().toString());
        assertThat(joined.body().get("accountId").asText()).isEqualTo(joiner.id().toString());
        assertThat(joined.body().get("role").asText()).isEqualTo("member");
        assertThat(joined.body().get("status").asText()).isEqualTo("active");
        assertThat(Instant.parse(joined.body().get("joinedAt").asText())).isCloseTo(Instant.now(), within(1, ChronoUnit.MINUTES));
        assertThat(membership(api, open, joiner)).isEqualTo("member/active");
        assertThat(join(approval, joiner, Map.of()).body().get("status").asText()).isEqualTo("pending");
        assertThat(membership(api, approval, joiner)).isEqualTo("member/pending");
        assertThat(rows(api, "membership_requests", approval)).isEqualTo(1);
        join(open, joiner, null).assertError(409, "already_member");
    }

    @Test
    void joinRefusesMissingOrBadValuesAndClosedCommunitiesAndJoinsNothing() {
        ResourceCommunity club = withFields(api, "Licensed club");
        ResourceCommunity closed = ResourceCommunity.create(api, "Closed club", "private", "open");
        ResourceCommunity archived = ResourceCommunity.create(api, "Archived club");
        archive(api, archived);
        ApiCalls.User joiner = api.account("Hopeful");
        long before = api.count("memberships");

        assertFields(join(club, joiner, null), "validation_failed", "fields.licence");
        assertFields(join(club, joiner, Map.of("fields", Map.of("licence", "L", "level", "X"))), "validation_failed", "fields.level");
        assertFields(join(club, joiner, Map.of("fields", Map.of("licence", List.of("L-1")))), "validation_failed", "fields.licence");
        assertFields(join(club, joiner, Map.of("fields", Map.of("licence", "L-1", "shoe", "42"))), "validation_failed", "fields.shoe");
        assertFields(join(club, joiner, Map.of("values", Map.of())), "unknown_field", "values");
        api.anonymous().post("/api/communities/" + club.id() + "/join", null).assertError(401, "unauthorized");
        join(closed, joiner, null).assertError(404, "community_not_found");
        api.as(joiner).post("/api/communities/" + UUID.randomUUID() + "/join", null).assertError(404, "community_not_found");
        join(archived, joiner, null).assertError(409, "community_archived");

        assertThat(api.count("memberships")).isEqualTo(before);
        assertThat(join(club, joiner, Map.of("fields", Map.of("licence", "L-1", "level", "Club"))).status()).isEqualTo(201);
        assertThat(api.count("memberships WHERE account_id = '" + joiner.id() + "' AND fields = '{\"licence\": \"L-1\", "
                + "\"level\": \"Club\"}'::jsonb")).isEqualTo(1);
    }

    @Test
    void theDirectoryListsEveryMemberWithEmailAndValuesByNameAndFilters() {
        ResourceCommunity club = withFields(api, "Directory club");
        ApiCalls.User alice = memberWith(api, club, "Alice Directory", Map.of("licence", "L-7", "level", "Club"));
        club.member("Bob Directory", Membership.MEMBER, Membership.PENDING);
        ApiCalls.User admin = club.admin("Carol Directory");
        String directory = members(club);

        ApiReply page = api.as(admin).get(directory);

        assertThat(names(page)).containsExactly("Alice Directory", "Bob Directory", "Carol Directory", "Directory club Owner");
        JsonNode first = page.body().get("items").get(0);
        assertThat(first.get("accountId").asText()).isEqualTo(alice.id().toString());
        assertThat(first.get("email").asText()).isEqualTo(alice.email());
        assertThat(first.get("role").asText()).isEqualTo("member");
        assertThat(first.get("status").asText()).isEqualTo("active");
        assertThat(first.get("duesPaidUntil").isNull()).isTrue();
        assertThat(first.get("fields")).hasSize(2);
        assertThat(first.get("fields").get("licence").asText()).isEqualTo("L-7");
        assertThat(page.body().get("nextCursor").isNull()).isTrue();
        assertThat(names(api.as(club.owner()).get(directory + "?status=pending"))).containsExactly("Bob Directory");
        assertThat(names(api.as(club.owner()).get(directory + "?role=admin&q=CAROL"))).containsExactly("Carol Directory");
        assertThat(names(api.as(club.owner()).get(directory + "?field.level=Club"))).containsExactly("Alice Directory");
        assertThat(names(api.as(club.owner()).get(directory + "?missingRequired=false"))).containsExactly("Alice Directory");
        ApiReply two = api.as(club.owner()).get(directory + "?limit=2");
        assertThat(names(two)).containsExactly("Alice Directory", "Bob Directory");
        String next = "&cursor=" + URLEncoder.encode(two.body().get("nextCursor").asText(), StandardCharsets.UTF_8);
        assertThat(names(api.as(club.owner()).get(directory + "?limit=2" + next))).containsExactly("Carol Directory", "Directory club Owner");
    }

    @Test
    void theDirectoryRefusesBadFiltersNamingEachAndIsForManagersOnly() {
        ResourceCommunity club = ResourceCommunity.create(api, "Filtered club");
        define(api, club, LEVEL);
        String directory = members(club);
        ApiCalls.User owner = club.owner();

        String[][] refusals = { // query, code, the field named
            {"status=gone", "invalid_status", "status"}, {"role=boss", "invalid_role", "role"}, {"dues=late", "invalid_dues", "dues"},
            {"q=" + "q".repeat(201), "invalid_query", "q"}, {"limit=0", "invalid_limit", "limit"}, {"cursor=x", "invalid_cursor", "cursor"},
            {"missingRequired=yes", "invalid_missing_required", "missingRequired"}, {"field.shoe=42", "validation_failed", "field.shoe"},
            {"field.level=Expert", "validation_failed", "field.level"},
            {"field.level=Club&field.level=Beginner", "validation_failed", "field.level"}};
        for (String[] refusal : refusals) {
            assertFields(api.as(owner).get(directory + "?" + refusal[0]), refusal[1], refusal[2]);
        }
        api.anonymous().get(directory).assertError(401, "unauthorized");
        api.as(club.member("Curious")).get(directory).assertError(403, "forbidden");
        api.as(club.member("Waiting", Membership.MEMBER, Membership.PENDING)).get(directory).assertError(404, "community_not_found");
        api.as(api.account("Outsider")).get(directory).assertError(404, "community_not_found");
        api.as(owner).get("/api/communities/" + UUID.randomUUID() + "/members").assertError(404, "community_not_found");
    }

    @Test
    void fellowsShowActiveMembersToMembersWithoutEmailsOrAdminsOnlyValues() {
        ResourceCommunity club = withFields(api, "Fellow club");
        ApiCalls.User ann = memberWith(api, club, "Ann Fellow", Map.of("licence", "L-9", "level", "Beginner"));
        ApiCalls.User pending = club.member("Pat Fellow", Membership.MEMBER, Membership.PENDING);
        String fellows = members(club) + "/fellows";

        ApiReply page = api.as(ann).get(fellows);

        assertThat(names(page)).containsExactly("Ann Fellow", "Fellow club Owner");
        JsonNode first = page.body().get("items").get(0);
        assertThat(first.get("accountId").asText()).isEqualTo(ann.id().toString());
        assertThat(first.get("role").asText()).isEqualTo("member");
        assertThat(first.has("email")).isFalse();
        assertThat(first.get("fields")).hasSize(1);
        assertThat(first.get("fields").get("level").asText()).isEqualTo("Beginner");
        assertThat(names(api.as(ann).get(fellows + "?q=OWNER"))).containsExactly("Fellow club Owner");
        assertFields(api.as(ann).get(fellows + "?q=" + "q".repeat(201)), "invalid_query", "q");
        assertFields(api.as(ann).get(fellows + "?limit=101"), "invalid_limit", "limit");
        api.anonymous().get(fellows).assertError(401, "unauthorized");
        api.as(pending).get(fellows).assertError(404, "community_not_found");
        api.as(api.account("Stranger")).get(fellows).assertError(404, "community_not_found");
    }

    @Test
    void changeMakesAnAdminAndApprovesAPendingMember() {
        ResourceCommunity club = ResourceCommunity.create(api, "Changing club");
        ApiCalls.User member = club.member("Promoted");
        ApiCalls.User pending = club.member("Approved", Membership.MEMBER, Membership.PENDING);

        ApiReply promoted = change(club, club.owner(), member, Map.of("role", "admin"));

        assertThat(promoted.status()).isEqualTo(200);
        assertThat(promoted.body().get("accountId").asText()).isEqualTo(member.id().toString());
        assertThat(promoted.body().get("role").asText()).isEqualTo("admin");
        assertThat(promoted.body().get("status").asText()).isEqualTo("active");
        assertThat(membership(api, club, member)).isEqualTo("admin/active");
        assertThat(change(club, member, pending, Map.of("status", "active")).body().get("status").asText()).isEqualTo("active");
        assertThat(membership(api, club, pending)).isEqualTo("member/active");
        assertThat(api.count("membership_requests WHERE account_id = '" + pending.id() + "' AND status = 'approved'")).isEqualTo(1);
    }

    @Test
    void changeRefusesBadBodiesTheWrongCallersAndImpossibleChangesAndChangesNothing() {
        ResourceCommunity club = ResourceCommunity.create(api, "Guarded club");
        ApiCalls.User admin = club.admin("Guard");
        ApiCalls.User member = club.member("Plain");
        ApiCalls.User pending = club.member("Queued", Membership.MEMBER, Membership.PENDING);
        ApiCalls.User expired = club.member("Lapsed", Membership.MEMBER, Membership.EXPIRED);
        ResourceCommunity other = ResourceCommunity.create(api, "Neighbour club");

        assertFields(change(club, club.owner(), member, Map.of("role", "boss")), "validation_failed", "role");
        assertFields(change(club, club.owner(), member, Map.of("status", "expired")), "validation_failed", "status");
        assertFields(change(club, club.owner(), member, Map.of("role", "admin", "note", "x")), "unknown_field", "note");
        assertThat(change(club, club.owner(), member, null).code()).isEqualTo("validation_failed");
        api.anonymous().patch(members(club) + "/" + member.id(), Map.of("role", "admin")).assertError(401, "unauthorized");
        change(club, member, pending, Map.of("status", "active")).assertError(403, "forbidden");
        change(club, admin, club.owner(), Map.of("role", "member")).assertError(403, "owner_protected");
        change(club, admin, member, Map.of("role", "owner")).assertError(403, "owner_protected");
        change(club, other.owner(), member, Map.of("role", "admin")).assertError(404, "community_not_found");
        change(other, other.owner(), member, Map.of("role", "admin")).assertError(404, "member_not_found");
        change(club, club.owner(), club.owner(), Map.of("role", "admin")).assertError(409, "last_owner");
        change(club, club.owner(), pending, Map.of("role", "admin")).assertError(409, "not_active");
        change(club, club.owner(), expired, Map.of("status", "active")).assertError(409, "invalid_status_change");

        assertThat(List.of(club.owner(), admin, member, pending, expired)).extracting(u -> membership(api, club, u))
                .containsExactly("owner/active", "admin/active", "member/active", "member/pending", "member/expired");
    }

    @Test
    void removeEndsTheMembershipAndItsCardAMemberMayLeaveAndTheLastOwnerStays() {
        ResourceCommunity club = ResourceCommunity.create(api, "Parting club");
        ApiCalls.User admin = club.admin("Keeper");
        ApiCalls.User removed = club.member("Removed");
        ApiCalls.User leaver = club.member("Leaver");
        ResourceCommunity other = ResourceCommunity.create(api, "Other parting club");
        ApiCalls.User nobody = api.account("Nobody");
        long before = api.count("memberships");

        api.anonymous().delete(members(club) + "/" + removed.id()).assertError(401, "unauthorized");
        api.as(leaver).delete(members(club) + "/" + removed.id()).assertError(403, "forbidden");
        api.as(admin).delete(members(club) + "/" + club.owner().id()).assertError(403, "owner_protected");
        api.as(other.owner()).delete(members(club) + "/" + removed.id()).assertError(404, "community_not_found");
        api.as(nobody).delete(members(club) + "/" + nobody.id()).assertError(404, "community_not_found");
        api.as(club.owner()).delete(members(club) + "/" + other.owner().id()).assertError(404, "member_not_found");
        api.as(club.owner()).delete(members(club) + "/" + club.owner().id()).assertError(409, "last_owner");
        assertThat(api.count("memberships")).isEqualTo(before);
        assertThat(rows(api, "card_revocations", club)).isZero();

        assertThat(api.as(admin).delete(members(club) + "/" + removed.id()).status()).isEqualTo(204);
        assertThat(api.as(leaver).delete(members(club) + "/" + leaver.id()).status()).isEqualTo(204);
        assertThat(membership(api, club, removed)).isEqualTo("none");
        assertThat(membership(api, club, leaver)).isEqualTo("none");
        assertThat(rows(api, "card_revocations", club)).isEqualTo(2);
    }
}
