package com.koomy.api.communities;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceTests;
import com.koomy.api.http.ConditionalGet;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link CommunitiesResource} alone, as {@link CommunitiesRoutes} registers it: create, page, settings, mine. */
class CommunitiesResourceTest {

    private static CommunitiesRoutes routes;

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(CommunitiesResource.class, t -> {
        routes = new CommunitiesRoutes(t.app());
        routes.register(t.app());
    });

    private static final Map<String, Object> CLUB = Map.of("name", "Club de lecture", "description", "Un livre par mois",
            "visibility", "public", "joinPolicy", "open", "locale", "fr", "city", "Lyon");

    @Test
    void createAnswers201WithTheCommunityAndTheCallerAsItsOwner() {
        ApiCalls.User owner = api.account("Founder");

        ApiReply created = api.as(owner).post("/api/communities", CLUB);

        assertThat(created.status()).isEqualTo(201);
        JsonNode c = created.body();
        assertThat(c.get("name").asText()).isEqualTo("Club de lecture");
        assertThat(c.get("slug").asText()).startsWith("club-de-lecture");
        assertThat(c.get("description").asText()).isEqualTo("Un livre par mois");
        assertThat(c.get("city").asText()).isEqualTo("Lyon");
        assertThat(c.get("activeMembers").asLong()).isEqualTo(1);
        assertThat(c.get("membership").get("role").asText()).isEqualTo("owner");
        assertThat(c.get("archivedAt").isNull()).isTrue();
        assertThat(api.count("memberships WHERE role = 'owner' AND account_id = '" + owner.id() + "'")).isEqualTo(1);
    }

    @Test
    void createRefusesEachKindOfBadBodyAndCreatesNothing() {
        ApiCalls.User owner = api.account("Sloppy");
        long communities = api.count("communities");

        api.anonymous().post("/api/communities", CLUB).assertError(401, "unauthorized");
        assertFields(create(owner, "name", null), "validation_failed", "name");
        assertFields(create(owner, "name", " "), "validation_failed", "name");
        assertFields(create(owner, "name", "n".repeat(201)), "validation_failed", "name");
        assertFields(create(owner, "city", "c".repeat(101)), "validation_failed", "city");
        assertFields(create(owner, "visibility", "secret"), "validation_failed", "visibility");
        assertFields(create(owner, "joinPolicy", true), "validation_failed", "joinPolicy");
        assertFields(create(owner, "ownerId", UUID.randomUUID().toString()), "unknown_field", "ownerId");
        api.as(owner).send("POST", "/api/communities", "null").assertError(400, "validation_failed");

        assertThat(api.count("communities")).isEqualTo(communities);
    }

    @Test
    void aPublicPageIsCacheableWithAStrongETagAndAPrivateOneIs404ToStrangers() {
        ApiCalls.User owner = api.account("Host");
        String open = api.as(owner).post("/api/communities", CLUB).body().get("id").asText();
        String closed = api.as(owner).post("/api/communities", with("visibility", "private")).body().get("id").asText();

        ApiReply page = api.anonymous().get("/api/communities/" + open);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body().get("membership").isNull()).isTrue();
        assertThat(page.header("Cache-Control")).hasValue(ConditionalGet.PUBLIC);
        String etag = page.header("ETag").orElseThrow();
        assertThat(api.anonymous().get("/api/communities/" + open, "If-None-Match", etag).status()).isEqualTo(304);

        ApiReply mine = api.as(owner).get("/api/communities/" + open);
        assertThat(mine.header("Cache-Control")).hasValue(ConditionalGet.PRIVATE);
        assertThat(mine.body().get("membership").get("role").asText()).isEqualTo("owner");

        api.anonymous().get("/api/communities/" + closed).assertError(404, "community_not_found");
        api.as(api.account("Stranger")).get("/api/communities/" + closed).assertError(404, "community_not_found");
        assertThat(api.as(owner).get("/api/communities/" + closed).status()).isEqualTo(200);
        api.anonymous().get("/api/communities/" + UUID.randomUUID()).assertError(404, "community_not_found");
    }

    @Test
    void settingsAreForManagersAndChangeOnlyTheFieldsSent() {
        ApiCalls.User owner = api.account("Boss");
        ApiCalls.User member = api.account("Member");
        UUID id = UUID.fromString(api.as(owner).post("/api/communities", CLUB).body().get("id").asText());
        api.jdbi().useExtension(MembershipDao.class, dao -> dao.insert(id, member.id(), Membership.MEMBER, Membership.ACTIVE));

        api.anonymous().patch("/api/communities/" + id, Map.of("name", "X")).assertError(401, "unauthorized");
        api.as(member).patch("/api/communities/" + id, Map.of("name", "X")).assertError(403, "forbidden");
        api.as(api.account("Outsider")).patch("/api/communities/" + id, Map.of("name", "X"))
                .assertError(404, "community_not_found");
        api.as(owner).patch("/api/communities/" + UUID.randomUUID(), Map.of("name", "X")).assertError(404, "community_not_found");
        assertFields(api.as(owner).patch("/api/communities/" + id, Map.of("name", "  ")), "validation_failed", "name");
        assertFields(api.as(owner).patch("/api/communities/" + id, Map.of("slug", "mine")), "unknown_field", "slug");
        assertFields(api.as(owner).patch("/api/communities/" + id, Map.of("locale", "de")), "validation_failed", "locale");

        JsonNode changed = api.as(owner).patch("/api/communities/" + id, Map.of("city", "", "joinPolicy", "approval")).body();
        assertThat(changed.get("name").asText()).isEqualTo("Club de lecture");
        assertThat(changed.get("joinPolicy").asText()).isEqualTo("approval");
        assertThat(changed.get("city").isNull()).isTrue();
        assertThat(changed.get("activeMembers").asLong()).isEqualTo(2);
    }

    @Test
    void myCommunitiesAreListedByNameWithLimitsChecked() {
        ApiCalls.User member = api.account("Joiner");
        api.as(member).post("/api/communities", with("name", "Zèbres"));
        api.as(member).post("/api/communities", with("name", "Abeilles"));
        api.as(api.account("Other")).post("/api/communities", with("name", "Autres"));

        api.anonymous().get("/api/me/communities").assertError(401, "unauthorized");
        JsonNode first = api.as(member).get("/api/me/communities?limit=1").body();
        assertThat(first.get("items")).hasSize(1);
        assertThat(first.get("items").get(0).get("name").asText()).isEqualTo("Abeilles");
        assertThat(first.get("items").get(0).get("role").asText()).isEqualTo("owner");
        JsonNode next = api.as(member).get("/api/me/communities?limit=1&cursor=" + first.get("nextCursor").asText()).body();
        assertThat(next.get("items").get(0).get("name").asText()).isEqualTo("Zèbres");

        assertFields(api.as(member).get("/api/me/communities?limit=0"), "invalid_limit", "limit");
        assertFields(api.as(member).get("/api/me/communities?limit=abc"), "invalid_limit", "limit");
        assertFields(api.as(member).get("/api/me/communities?cursor=%25%25"), "invalid_cursor", "cursor");
    }

    private static ApiReply create(ApiCalls.User owner, String field, Object value) {
        return api.as(owner).post("/api/communities", with(field, value));
    }

    private static Map<String, Object> with(String field, Object value) {
        Map<String, Object> body = new HashMap<>(CLUB);
        body.put(field, value);
        return body;
    }
}
