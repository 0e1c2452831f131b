package com.koomy.api.memberships;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class MembershipsIntegrationTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    // These tests change rows behind the API's back (dues, names) and read again at once: without the
    // directory's 1 s page cache (DirectoryCacheIntegrationTest covers it). Reads still go through the directory's fast path.
    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("cache.directoryLocalTtl", "0s"));

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort()).checkingContract();

    private ApiReply join(UUID community, User user) {
        return api.call("POST", "/api/communities/" + community + "/join", user.token(), null);
    }

    private ApiReply change(UUID community, User caller, User target, Map<String, String> body) {
        return api.call("PATCH", "/api/communities/" + community + "/members/" + target.id(), caller.token(), body);
    }

    private ApiReply remove(UUID community, User caller, User target) {
        return api.call("DELETE", "/api/communities/" + community + "/members/" + target.id(), caller.token(), null);
    }

    /** "role/status", or "none". */
    private String membership(UUID community, User user) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT role || '/' || status FROM memberships WHERE community_id = :c AND account_id = :a")
                .bind("c", community).bind("a", user.id()).mapTo(String.class).findOne().orElse("none"));
    }

    @Test
    void joiningIsOpenOrByApproval() {
        User owner = api.user("Owner Join");
        User ann = api.user("Ann Join");
        UUID open = api.community(owner, "Open Club", "public", "open");
        UUID approval = api.community(owner, "Approval Club", "public", "approval");
        UUID closed = api.community(owner, "Closed Club", "private", "open");

        ApiReply joined = join(open, ann);
        assertThat(joined.status()).isEqualTo(201);
        assertThat(joined.body().get("role").asText()).isEqualTo("member");
        assertThat(joined.body().get("status").asText()).isEqualTo("active");
        assertThat(join(open, ann).code()).isEqualTo("already_member");
        assertThat(join(open, owner).status()).isEqualTo(409);
        assertThat(membership(open, owner)).isEqualTo("owner/active");

        assertThat(join(approval, ann).body().get("status").asText()).isEqualTo("pending");
        ApiReply approved = change(approval, owner, ann, Map.of("status", "active"));
        assertThat(approved.status()).isEqualTo(200);
        assertThat(approved.body().get("status").asText()).isEqualTo("active");
        assertThat(change(approval, owner, ann, Map.of("status", "expired")).status()).isEqualTo(400);

        assertThat(join(closed, ann).status()).isEqualTo(404);
        assertThat(join(UUID.randomUUID(), ann).status()).isEqualTo(404);
        assertThat(api.call("POST", "/api/communities/" + open + "/join", null, null).status()).isEqualTo(401);
        assertThat(membership(closed, ann)).isEqualTo("none");
    }

    @Test
    void rolesFollowTheOwnerRules() {
        User owner = api.user("Owner Roles");
        User admin = api.user("Admin Roles");
        User member = api.user("Member Roles");
        User outsider = api.user("Outsider Roles");
        UUID id = api.community(owner, "Roles Club", "public", "open");
        join(id, admin);
        join(id, member);

        assertThat(change(id, owner, admin, Map.of("role", "admin")).body().get("role").asText()).isEqualTo("admin");
        assertThat(change(id, member, admin, Map.of("role", "member")).status()).isEqualTo(403);
        assertThat(change(id, admin, owner, Map.of("role", "member")).code()).isEqualTo("owner_protected");
        assertThat(change(id, admin, member, Map.of("role", "owner")).code()).isEqualTo("owner_protected");
        assertThat(change(id, owner, owner, Map.of("role", "admin")).code()).isEqualTo("last_owner");
        assertThat(change(id, owner, outsider, Map.of("role", "admin")).code()).isEqualTo("member_not_found");
        assertThat(change(id, outsider, member, Map.of("role", "admin")).status()).isEqualTo(404);
        assertThat(change(id, new User(owner.id(), owner.email(), null), member,
                Map.of("role", "admin")).status()).isEqualTo(401);
        ApiReply sneaky = change(id, owner, member, Map.of("role", "admin", "communityId", UUID.randomUUID().toString()));
        assertThat(sneaky.status()).isEqualTo(400);
        assertThat(sneaky.code()).isEqualTo("unknown_field");
        assertThat(change(id, owner, member, Map.of("role", "king")).status()).isEqualTo(400);
        assertThat(membership(id, member)).isEqualTo("member/active");
        assertThat(membership(id, owner)).isEqualTo("owner/active");

        assertThat(change(id, admin, member, Map.of("role", "admin")).status()).isEqualTo(200);
        assertThat(change(id, owner, member, Map.of("role", "owner")).status()).isEqualTo(200);
        // Two owners now: one may step down, and an owner may demote another owner.
        assertThat(change(id, owner, owner, Map.of("role", "admin")).status()).isEqualTo(200);
        assertThat(change(id, member, owner, Map.of("role", "owner")).status()).isEqualTo(200);
        assertThat(change(id, owner, member, Map.of("role", "member")).status()).isEqualTo(200);
        assertThat(membership(id, owner)).isEqualTo("owner/active");
        assertThat(membership(id, member)).isEqualTo("member/active");
    }

    @Test
    void pendingMembersCannotBeMadeAdmins() {
        User owner = api.user("Owner Pending");
        User ann = api.user("Ann Pending");
        UUID id = api.community(owner, "Pending Club", "public", "approval");
        join(id, ann);
        assertThat(change(id, owner, ann, Map.of("role", "admin")).code()).isEqualTo("not_active");
        assertThat(change(id, owner, ann, Map.of("role", "admin", "status", "active")).status()).isEqualTo(200);
        assertThat(membership(id, ann)).isEqualTo("admin/active");
    }

    @Test
    void removingAndLeaving() {
        User owner = api.user("Owner Remove");
        User admin = api.user("Admin Remove");
        User member = api.user("Member Remove");
        User leaver = api.user("Leaver Remove");
        User outsider = api.user("Outsider Remove");
        UUID id = api.community(owner, "Remove Club", "public", "open");
        join(id, admin);
        join(id, member);
        join(id, leaver);
        change(id, owner, admin, Map.of("role", "admin"));

        assertThat(remove(id, member, leaver).status()).isEqualTo(403);
        assertThat(remove(id, admin, owner).code()).isEqualTo("owner_protected");
        assertThat(remove(id, outsider, member).status()).isEqualTo(404);
        assertThat(remove(id, admin, outsider).code()).isEqualTo("member_not_found");
        assertThat(remove(id, owner, owner).code()).isEqualTo("last_owner");
        assertThat(api.call("DELETE", "/api/communities/" + id + "/members/" + member.id(), null, null).status())
                .isEqualTo(401);
        assertThat(membership(id, owner)).isEqualTo("owner/active");
        assertThat(membership(id, member)).isEqualTo("member/active");

        assertThat(remove(id, leaver, leaver).status()).isEqualTo(204);
        assertThat(remove(id, admin, member).status()).isEqualTo(204);
        assertThat(membership(id, leaver)).isEqualTo("none");
        assertThat(membership(id, member)).isEqualTo("none");
        assertThat(remove(id, leaver, leaver).status()).isEqualTo(404);

        change(id, owner, admin, Map.of("role", "owner"));
        assertThat(remove(id, owner, owner).status()).isEqualTo(204);
        assertThat(membership(id, admin)).isEqualTo("owner/active");
    }

    @Test
    void theDirectoryFiltersAndPages() {
        User owner = api.user("Zoe Owner");
        User member = api.user("Member Directory");
        UUID id = api.community(owner, "Directory Club", "public", "approval");
        List<User> people = new ArrayList<>();
        for (String name : new String[]{"alice Martin", "Bob Martin", "Chloé Dupont", "david 100% Real", "Eve_Dupont"}) {
            User user = api.user(name);
            people.add(user);
            join(id, user);
        }
        join(id, member);
        change(id, owner, member, Map.of("status", "active"));
        change(id, owner, people.get(0), Map.of("status", "active", "role", "admin"));
        change(id, owner, people.get(1), Map.of("status", "active"));

        List<String> names = new ArrayList<>();
        String cursor = null;
        do {
            ApiReply page = api.get("/api/communities/" + id + "/members?limit=3" + (cursor == null ? "" : "&cursor=" + cursor),
                    owner.token());
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body().get("items").size()).isLessThanOrEqualTo(3);
            page.body().get("items").forEach(item -> names.add(item.get("name").asText()));
            cursor = page.body().get("nextCursor").isNull() ? null : page.body().get("nextCursor").asText();
        } while (cursor != null);
        assertThat(names).containsExactly("alice Martin", "Bob Martin", "Chloé Dupont", "david 100% Real", "Eve_Dupont",
                "Member Directory", "Zoe Owner");

        assertThat(names(id, owner, "status=pending")).containsExactly("Chloé Dupont", "david 100% Real", "Eve_Dupont");
        assertThat(names(id, owner, "role=admin")).containsExactly("alice Martin");
        assertThat(names(id, owner, "role=member&status=active")).containsExactly("Bob Martin", "Member Directory");
        assertThat(names(id, owner, "q=martin")).containsExactly("alice Martin", "Bob Martin");
        assertThat(names(id, owner, "q=" + people.get(2).email().substring(0, 10).toUpperCase()))
                .containsExactly("Chloé Dupont");
        assertThat(names(id, owner, "q=%25")).containsExactly("david 100% Real");
        assertThat(names(id, owner, "q=_")).containsExactly("Eve_Dupont");

        JsonNode item = api.get("/api/communities/" + id + "/members?role=admin", owner.token()).body().at("/items/0");
        assertThat(item.get("accountId").asText()).isEqualTo(people.get(0).id().toString());
        assertThat(item.get("email").asText()).isEqualTo(people.get(0).email());
        assertThat(item.has("sortName")).isFalse();
        assertThat(item.get("duesPaidUntil").isNull()).isTrue();

        // Dues: paid until today or later is paid; never paid, or paid until yesterday, is overdue.
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        db.jdbi().useHandle(h -> {
            h.execute("UPDATE memberships SET dues_paid_until = ? WHERE community_id = ? AND account_id = ?",
                    today, id, people.get(0).id());
            h.execute("UPDATE memberships SET dues_paid_until = ? WHERE community_id = ? AND account_id = ?",
                    today.minusDays(1), id, people.get(1).id());
        });
        assertThat(names(id, owner, "dues=paid")).containsExactly("alice Martin");
        assertThat(names(id, owner, "dues=overdue&status=active")).containsExactly("Bob Martin", "Member Directory", "Zoe Owner");
        assertThat(api.get("/api/communities/" + id + "/members?dues=paid", owner.token()).body().at("/items/0/duesPaidUntil")
                .asText()).isEqualTo(today.toString());

        // The directory's sort key follows a renamed account (a trigger keeps memberships.sort_name in step).
        db.jdbi().useHandle(h -> h.execute("UPDATE accounts SET name = 'Aaron Renamed' WHERE id = ?", people.get(4).id()));
        assertThat(names(id, owner, "status=pending")).containsExactly("Aaron Renamed", "Chloé Dupont", "david 100% Real");

        // people.get(0) is an admin: admins see the directory too.
        assertThat(api.get("/api/communities/" + id + "/members", people.get(0).token()).status()).isEqualTo(200);
        assertThat(api.get("/api/communities/" + id + "/members", member.token()).status()).isEqualTo(403);
        assertThat(api.get("/api/communities/" + id + "/members", people.get(4).token()).status()).isEqualTo(404);
        assertThat(api.get("/api/communities/" + id + "/members", api.user("Stranger").token()).status()).isEqualTo(404);
        assertThat(api.get("/api/communities/" + id + "/members", null).status()).isEqualTo(401);
        for (String bad : new String[]{"status=gone", "role=king", "limit=0", "limit=101", "cursor=QUJD", "dues=late", "q=" + "x".repeat(201)}) {
            assertThat(api.get("/api/communities/" + id + "/members?" + bad, owner.token()).status()).as(bad).isEqualTo(400);
        }
    }

    private List<String> names(UUID community, User caller, String query) {
        ApiReply page = api.get("/api/communities/" + community + "/members?" + query, caller.token());
        assertThat(page.status()).as(query).isEqualTo(200);
        List<String> names = new ArrayList<>();
        page.body().get("items").forEach(item -> names.add(item.get("name").asText()));
        return names;
    }
}
