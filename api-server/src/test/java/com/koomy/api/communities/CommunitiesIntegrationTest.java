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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class CommunitiesIntegrationTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db);

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort()).checkingContract();

    private long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    private String row(UUID community) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT row_to_json(c)::text FROM communities c WHERE id = :id")
                .bind("id", community).mapTo(String.class).one());
    }

    @Test
    void theCreatorBecomesOwnerAndSeesTheCommunity() {
        User ada = api.user("Ada Lovelace");
        ApiReply created = api.call("POST", "/api/communities", ada.token(), Map.of("name", "Club de Tennis d'Évry",
                "description", "Courts on Saturdays", "visibility", "private", "joinPolicy", "approval", "locale", "en"));

        assertThat(created.status()).isEqualTo(201);
        JsonNode c = created.body();
        assertThat(c.get("name").asText()).isEqualTo("Club de Tennis d'Évry");
        assertThat(c.get("slug").asText()).matches("club-de-tennis-d-evry-[0-9a-f]{6}");
        assertThat(c.get("visibility").asText()).isEqualTo("private");
        assertThat(c.get("joinPolicy").asText()).isEqualTo("approval");
        assertThat(c.get("locale").asText()).isEqualTo("en");
        assertThat(c.get("activeMembers").asLong()).isEqualTo(1);
        assertThat(c.at("/membership/role").asText()).isEqualTo("owner");
        assertThat(c.at("/membership/status").asText()).isEqualTo("active");
        UUID id = UUID.fromString(c.get("id").asText());
        String membership = db.jdbi().withHandle(h -> h.createQuery(
                "SELECT role || '/' || status FROM memberships WHERE community_id = :c AND account_id = :a")
                .bind("c", id).bind("a", ada.id()).mapTo(String.class).one());
        assertThat(membership).isEqualTo("owner/active");

        ApiReply page = api.get("/api/communities/" + id, ada.token());
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body().get("description").asText()).isEqualTo("Courts on Saturdays");
    }

    @Test
    void defaultsApplyWhenOnlyANameIsGiven() {
        User ada = api.user("Ada Defaults");
        ApiReply created = api.call("POST", "/api/communities", ada.token(), Map.of("name", "  Chess  "));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().get("name").asText()).isEqualTo("Chess");
        assertThat(created.body().get("visibility").asText()).isEqualTo("public");
        assertThat(created.body().get("joinPolicy").asText()).isEqualTo("open");
        assertThat(created.body().get("locale").asText()).isEqualTo("fr");
        assertThat(created.body().get("description").asText()).isEmpty();
    }

    @Test
    void refusedCreationsChangeNothing() {
        User ada = api.user("Ada Refused");
        long communities = count("SELECT count(*) FROM communities");
        long memberships = count("SELECT count(*) FROM memberships");

        assertThat(api.call("POST", "/api/communities", null, Map.of("name", "Anonymous")).status()).isEqualTo(401);
        ApiReply mass = api.call("POST", "/api/communities", ada.token(),
                Map.of("name", "Sneaky", "id", UUID.randomUUID().toString(), "ownerId", UUID.randomUUID().toString()));
        assertThat(mass.status()).isEqualTo(400);
        assertThat(mass.code()).isEqualTo("unknown_field");
        assertThat(api.call("POST", "/api/communities", ada.token(), Map.of("name", "   ")).status()).isEqualTo(400);
        assertThat(api.call("POST", "/api/communities", ada.token(), Map.of("name", "x".repeat(201))).status()).isEqualTo(400);
        assertThat(api.call("POST", "/api/communities", ada.token(), Map.of("name", "Bad", "visibility", "secret")).status())
                .isEqualTo(400);
        assertThat(api.call("POST", "/api/communities", ada.token(), Map.of("name", "Bad", "joinPolicy", "invite")).status())
                .isEqualTo(400);
        assertThat(api.call("POST", "/api/communities", ada.token(), Map.of("name", "Bad", "locale", "de")).status())
                .isEqualTo(400);
        assertThat(api.call("POST", "/api/communities", ada.token(), "{not json").status()).isEqualTo(400);
        assertThat(api.call("POST", "/api/communities", ada.token(), null).status()).isIn(400, 422);

        assertThat(count("SELECT count(*) FROM communities")).isEqualTo(communities);
        assertThat(count("SELECT count(*) FROM memberships")).isEqualTo(memberships);
    }

    @Test
    void aPublicPageIsForAnyoneAPrivateOneForMembersOnly() {
        User owner = api.user("Owner Pages");
        User stranger = api.user("Stranger Pages");
        UUID open = api.community(owner, "Open Choir", "public", "open");
        UUID closed = api.community(owner, "Closed Choir", "private", "open");

        ApiReply anonymous = api.get("/api/communities/" + open, null);
        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(anonymous.body().get("membership").isNull()).isTrue();
        assertThat(api.get("/api/communities/" + open, stranger.token()).status()).isEqualTo(200);

        for (String token : new String[]{null, stranger.token()}) {
            ApiReply hidden = api.get("/api/communities/" + closed, token);
            assertThat(hidden.status()).isEqualTo(404);
            assertThat(hidden.code()).isEqualTo("community_not_found");
        }
        assertThat(api.get("/api/communities/" + closed, owner.token()).status()).isEqualTo(200);
        assertThat(api.get("/api/communities/" + UUID.randomUUID(), owner.token()).status()).isEqualTo(404);
        assertThat(api.get("/api/communities/not-a-uuid", owner.token()).status()).isEqualTo(404);
    }

    @Test
    void ownersAndAdminsChangeSettingsOthersCannot() {
        User owner = api.user("Owner Settings");
        User admin = api.user("Admin Settings");
        User member = api.user("Member Settings");
        User stranger = api.user("Stranger Settings");
        UUID id = api.community(owner, "Rowing", "public", "open");
        assertThat(api.call("POST", "/api/communities/" + id + "/join", admin.token(), null).status()).isEqualTo(201);
        assertThat(api.call("POST", "/api/communities/" + id + "/join", member.token(), null).status()).isEqualTo(201);
        assertThat(api.call("PATCH", "/api/communities/" + id + "/members/" + admin.id(), owner.token(),
                Map.of("role", "admin")).status()).isEqualTo(200);

        ApiReply changed = api.call("PATCH", "/api/communities/" + id, owner.token(),
                Map.of("name", "Rowing Club", "visibility", "private"));
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.body().get("name").asText()).isEqualTo("Rowing Club");
        assertThat(changed.body().get("visibility").asText()).isEqualTo("private");
        assertThat(changed.body().get("joinPolicy").asText()).isEqualTo("open");
        ApiReply byAdmin = api.call("PATCH", "/api/communities/" + id, admin.token(), Map.of("joinPolicy", "approval"));
        assertThat(byAdmin.status()).isEqualTo(200);
        assertThat(byAdmin.body().get("joinPolicy").asText()).isEqualTo("approval");

        String before = row(id);
        ApiReply byMember = api.call("PATCH", "/api/communities/" + id, member.token(), Map.of("name", "Mine"));
        assertThat(byMember.status()).isEqualTo(403);
        assertThat(api.call("PATCH", "/api/communities/" + id, stranger.token(), Map.of("name", "Mine")).status())
                .isEqualTo(404);
        assertThat(api.call("PATCH", "/api/communities/" + id, null, Map.of("name", "Mine")).status()).isEqualTo(401);
        ApiReply slug = api.call("PATCH", "/api/communities/" + id, owner.token(), Map.of("slug", "mine"));
        assertThat(slug.status()).isEqualTo(400);
        assertThat(slug.code()).isEqualTo("unknown_field");
        assertThat(api.call("PATCH", "/api/communities/" + id, owner.token(), Map.of("name", " ")).status()).isEqualTo(400);
        assertThat(api.call("PATCH", "/api/communities/" + id, owner.token(), Map.of("visibility", "hidden")).status())
                .isEqualTo(400);
        assertThat(api.call("PATCH", "/api/communities/" + UUID.randomUUID(), owner.token(), Map.of("name", "X")).status())
                .isEqualTo(404);
        assertThat(row(id)).isEqualTo(before);
    }

    @Test
    void myCommunitiesArePagedByName() {
        User ada = api.user("Ada Pages");
        User other = api.user("Other Pages");
        api.community(ada, "beta", "public", "open");
        api.community(ada, "Alpha", "private", "open");
        UUID gamma = api.community(other, "Gamma", "public", "approval");
        api.community(other, "Not Mine", "public", "open");
        assertThat(api.call("POST", "/api/communities/" + gamma + "/join", ada.token(), null).status()).isEqualTo(201);

        List<String> names = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            ApiReply page = api.get("/api/me/communities?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), ada.token());
            assertThat(page.status()).isEqualTo(200);
            page.body().get("items").forEach(item -> names.add(item.get("name").asText()));
            cursor = page.body().get("nextCursor").isNull() ? null : page.body().get("nextCursor").asText();
            pages++;
        } while (cursor != null);
        assertThat(names).containsExactly("Alpha", "beta", "Gamma");
        assertThat(pages).isEqualTo(2);

        JsonNode first = api.get("/api/me/communities", ada.token()).body().get("items").get(2);
        assertThat(first.get("role").asText()).isEqualTo("member");
        assertThat(first.get("status").asText()).isEqualTo("pending");
        assertThat(first.has("description")).isFalse();
        assertThat(first.has("sortName")).isFalse();

        for (String bad : new String[]{"limit=0", "limit=101", "limit=abc", "cursor=%25%25", "cursor=bm90LWEtY3Vyc29y"}) {
            ApiReply refused = api.get("/api/me/communities?" + bad, ada.token());
            assertThat(refused.status()).as(bad).isEqualTo(400);
        }
        assertThat(api.get("/api/me/communities?limit=100", ada.token()).status()).isEqualTo(200);
        assertThat(api.get("/api/me/communities", null).status()).isEqualTo(401);
    }
}
