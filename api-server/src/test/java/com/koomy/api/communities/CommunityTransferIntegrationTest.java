package com.koomy.api.communities;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /api/communities/{communityId}/transfer (issue 21): an owner hands the community over. */
class CommunityTransferIntegrationTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db);

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort()).checkingContract();

    private String roles(UUID community) {
        List<String> rows = db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT a.name || ':' || m.role || '/' || m.status FROM memberships m JOIN accounts a ON a.id = m.account_id
                         WHERE m.community_id = :c ORDER BY a.name""").bind("c", community).mapTo(String.class).list());
        return String.join(",", rows);
    }

    /** Per recipient: the variables of the ownership emails sent to them. */
    private List<String> mails(User to) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT locale || ' ' || (variables ->> 'received') || ' ' || (variables ->> 'communityName') || ' '
                               || (variables ->> 'fromName') || '>' || (variables ->> 'toName') || ' kept=' || (variables ->> 'keptOwnership')
                          FROM emails WHERE template = 'ownership_transferred' AND recipients -> 0 ->> 'email' = :email""")
                .bind("email", to.email()).mapTo(String.class).list());
    }

    private long ownershipMails() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM emails WHERE template = 'ownership_transferred'")
                .mapTo(Long.class).one());
    }

    private ApiReply transfer(UUID community, User caller, Object body) {
        return api.call("POST", "/api/communities/" + community + "/transfer", caller.token(), body);
    }

    private void join(UUID community, User user) {
        assertThat(api.call("POST", "/api/communities/" + community + "/join", user.token(), null).status()).isEqualTo(201);
    }

    @Test
    void theOwnerHandsOverToAnActiveMemberAndBothAreEmailedInTheirLanguage() {
        User olga = api.user("Olga Owner");
        User marc = api.user("Marc Member");
        assertThat(api.call("PATCH", "/api/me", marc.token(), Map.of("locale", "fr")).status()).isEqualTo(200);
        UUID club = api.community(olga, "Chorale d'Évry", "public", "open");
        join(club, marc);

        ApiReply handed = transfer(club, olga, Map.of("toUserId", marc.id().toString()));

        assertThat(handed.status()).as(handed.body().toString()).isEqualTo(200);
        assertThat(handed.body().at("/membership/role").asText()).isEqualTo("admin");
        assertThat(roles(club)).isEqualTo("Marc Member:owner/active,Olga Owner:admin/active");
        assertThat(mails(marc)).containsExactly("fr true Chorale d'Évry Olga Owner>Marc Member kept=false");
        assertThat(mails(olga)).containsExactly("en false Chorale d'Évry Olga Owner>Marc Member kept=false");
        // The former owner is an admin now: no second transfer; the new owner can hand it back.
        assertThat(transfer(club, olga, Map.of("toUserId", marc.id().toString())).status()).isEqualTo(403);
        ApiReply back = transfer(club, marc, Map.of("toUserId", olga.id().toString(), "keepOwnership", true));
        assertThat(back.status()).isEqualTo(200);
        assertThat(back.body().at("/membership/role").asText()).isEqualTo("owner");
        assertThat(roles(club)).isEqualTo("Marc Member:owner/active,Olga Owner:owner/active");
        assertThat(mails(olga)).hasSize(2).contains("en true Chorale d'Évry Marc Member>Olga Owner kept=true");
    }

    @Test
    void everyRefusalIsAClearErrorAndChangesNothing() {
        User owner = api.user("Rita Owner");
        User admin = api.user("Adam Admin");
        User member = api.user("Mia Member");
        User pending = api.user("Paul Pending");
        User outsider = api.user("Otto Outsider");
        UUID club = api.community(owner, "Rowing Club", "public", "open");
        join(club, admin);
        join(club, member);
        assertThat(api.call("PATCH", "/api/communities/" + club + "/members/" + admin.id(), owner.token(),
                Map.of("role", "admin")).status()).isEqualTo(200);
        User coOwner = api.user("Cora Coowner");
        join(club, coOwner);
        assertThat(api.call("PATCH", "/api/communities/" + club + "/members/" + coOwner.id(), owner.token(),
                Map.of("role", "owner")).status()).isEqualTo(200);
        UUID byApproval = api.community(owner, "Rowing Juniors", "public", "approval");
        join(byApproval, pending);
        User elsewhere = api.user("Elsa Elsewhere");
        UUID other = api.community(elsewhere, "Other Club", "public", "open");
        join(other, outsider);
        String before = roles(club) + "|" + roles(byApproval) + "|" + roles(other);
        long mailsBefore = ownershipMails();

        Map<String, ApiReply> refused = new java.util.LinkedHashMap<>();
        refused.put("403 admin", transfer(club, admin, Map.of("toUserId", member.id().toString())));
        refused.put("403 member", transfer(club, member, Map.of("toUserId", admin.id().toString())));
        refused.put("404 outsider", transfer(club, outsider, Map.of("toUserId", member.id().toString())));
        refused.put("404 another community's id", transfer(other, owner, Map.of("toUserId", member.id().toString())));
        refused.put("404 unknown community", transfer(UUID.randomUUID(), owner, Map.of("toUserId", member.id().toString())));
        refused.put("422 another community's member", transfer(club, owner, Map.of("toUserId", outsider.id().toString())));
        refused.put("422 unknown account", transfer(club, owner, Map.of("toUserId", UUID.randomUUID().toString())));
        refused.put("422 yourself", transfer(club, owner, Map.of("toUserId", owner.id().toString())));
        refused.put("409 pending member", transfer(byApproval, owner, Map.of("toUserId", pending.id().toString())));
        refused.put("409 already owner", transfer(club, owner, Map.of("toUserId", coOwner.id().toString(), "keepOwnership", true)));
        Map<String, Object> unknownField = new HashMap<>(Map.of("toUserId", member.id().toString(), "role", "owner"));
        refused.put("400 unknown field", transfer(club, owner, unknownField));
        refused.put("400 missing toUserId", transfer(club, owner, Map.of()));
        refused.put("400 toUserId not a uuid", transfer(club, owner, Map.of("toUserId", "marc")));
        refused.put("400 toUserId a number", transfer(club, owner, Map.of("toUserId", 12)));
        refused.put("400 keepOwnership text", transfer(club, owner, Map.of("toUserId", member.id().toString(), "keepOwnership", "yes")));
        refused.put("400 no body", transfer(club, owner, null));
        refused.put("401 signed out", api.call("POST", "/api/communities/" + club + "/transfer", null,
                Map.of("toUserId", member.id().toString())));

        Map<String, String> got = new java.util.LinkedHashMap<>();
        refused.forEach((name, r) -> got.put(name, r.status() + " " + r.code()));
        assertThat(got).containsExactly(
                Map.entry("403 admin", "403 forbidden"),
                Map.entry("403 member", "403 forbidden"),
                Map.entry("404 outsider", "404 community_not_found"),
                Map.entry("404 another community's id", "404 community_not_found"),
                Map.entry("404 unknown community", "404 community_not_found"),
                Map.entry("422 another community's member", "422 not_a_member"),
                Map.entry("422 unknown account", "422 not_a_member"),
                Map.entry("422 yourself", "422 invalid_target"),
                Map.entry("409 pending member", "409 not_active"),
                Map.entry("409 already owner", "409 already_owner"),
                Map.entry("400 unknown field", "400 unknown_field"),
                Map.entry("400 missing toUserId", "400 validation_failed"),
                Map.entry("400 toUserId not a uuid", "400 validation_failed"),
                Map.entry("400 toUserId a number", "400 validation_failed"),
                Map.entry("400 keepOwnership text", "400 validation_failed"),
                Map.entry("400 no body", "400 validation_failed"),
                Map.entry("401 signed out", "401 unauthorized"));
        JsonNode fields = refused.get("400 missing toUserId").body().at("/error/details/fields");
        assertThat(fields.toString()).contains("toUserId");
        assertThat(roles(club) + "|" + roles(byApproval) + "|" + roles(other)).isEqualTo(before);
        assertThat(ownershipMails()).isEqualTo(mailsBefore);
    }
}
