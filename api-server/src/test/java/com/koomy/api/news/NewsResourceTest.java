package com.koomy.api.news;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceTests;
import com.koomy.api.communities.CommunitiesRoutes;
import com.koomy.api.payments.PaymentsRoutes;
import com.koomy.communities.Communities;
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

/** {@link NewsResource} alone, as {@link NewsRoutes} registers it: posts written, published, read and removed. */
class NewsResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(NewsResource.class,
            t -> NewsRoutes.register(t.app(), new PaymentsRoutes(t.app()).limits()));

    private static final Map<String, Object> POST = Map.of("title", "Fête de quartier samedi", "body", "Rendez-vous à 14 h.");

    /** The news path of a community of {@code owner} where {@code member} is an active member. */
    private static String newsOf(ApiCalls.User owner, ApiCalls.User member) {
        UUID id = new CommunitiesRoutes(api.app()).communities().create(owner.id(),
                new Communities.NewCommunity("Comité des fêtes", null, "public", "open", "fr", null)).id();
        api.jdbi().useExtension(MembershipDao.class, dao -> dao.insert(id, member.id(), Membership.MEMBER, Membership.ACTIVE));
        return "/api/communities/" + id + "/news";
    }

    @Test
    void aPostIsCreated201AsADraftAndMembersReadItOncePublished() {
        ApiCalls.User owner = api.account("Organiser");
        ApiCalls.User member = api.account("Neighbour");
        String news = newsOf(owner, member);

        ApiReply created = api.as(owner).post(news, POST);

        assertThat(created.status()).isEqualTo(201);
        JsonNode post = created.body();
        assertThat(post.get("title").asText()).isEqualTo("Fête de quartier samedi");
        assertThat(post.get("body").asText()).isEqualTo("Rendez-vous à 14 h.");
        assertThat(post.get("status").asText()).isEqualTo("draft");
        assertThat(post.get("authorId").asText()).isEqualTo(owner.id().toString());
        String path = news + "/" + post.get("id").asText();

        JsonNode published = api.as(owner).post(path + "/publish", null).body();
        assertThat(published.get("status").asText()).isEqualTo("published");
        assertThat(api.as(member).get(path).body().get("title").asText()).isEqualTo("Fête de quartier samedi");
        assertThat(api.as(member).get(news).body().get("items")).hasSize(1);
        assertThat(api.as(owner).post(path + "/unpublish", null).body().get("status").asText()).isEqualTo("draft");
        assertThat(api.as(owner).delete(path).status()).isEqualTo(204);
        api.as(owner).get(path).assertError(404, "news_not_found");
    }

    @Test
    void aBadPostIsRefusedNamingTheFieldAndNothingIsStored() {
        ApiCalls.User owner = api.account("Hasty");
        String news = newsOf(owner, api.account("Onlooker"));
        long posts = api.count("news_posts");

        assertFields(post(owner, news, "title", null), "validation_failed", "title");
        assertFields(post(owner, news, "title", ""), "validation_failed", "title", "title"); // blank and too short
        assertFields(post(owner, news, "title", "t".repeat(201)), "validation_failed", "title");
        assertFields(post(owner, news, "title", "two\nlines"), "validation_failed", "title");
        assertFields(post(owner, news, "body", "b".repeat(50_001)), "validation_failed", "body");
        assertFields(post(owner, news, "title", false), "validation_failed", "title");
        assertFields(post(owner, news, "status", "published"), "unknown_field", "status");
        api.as(owner).send("POST", news, "null").assertError(400, "validation_failed");
        assertThat(api.count("news_posts")).isEqualTo(posts);
    }

    @Test
    void writingIsForManagersReadingForMembersAndAnUnknownPostIs404() {
        ApiCalls.User owner = api.account("Chief");
        ApiCalls.User member = api.account("Villager");
        String news = newsOf(owner, member);
        long posts = api.count("news_posts");

        api.anonymous().post(news, POST).assertError(401, "unauthorized");
        api.as(member).post(news, POST).assertError(403, "forbidden");
        api.anonymous().get(news).assertError(401, "unauthorized");
        api.as(api.account("Visitor")).get(news).assertError(404, "community_not_found");
        assertThat(api.count("news_posts")).isEqualTo(posts);

        String unknown = news + "/" + UUID.randomUUID();
        api.as(member).get(unknown).assertError(404, "news_not_found");
        api.as(owner).patch(unknown, Map.of("title", "x")).assertError(404, "news_not_found");
        api.as(owner).post(unknown + "/publish", null).assertError(404, "news_not_found");
        api.as(owner).delete(unknown).assertError(404, "news_not_found");
        assertFields(api.as(member).get(news + "?limit=0"), "invalid_limit", "limit");
        assertFields(api.as(owner).get(news + "?status=secret"), "invalid_status", "status");
    }

    @Test
    void aChangeKeepsTheBodyWhenOnlyTheTitleIsSent() {
        ApiCalls.User owner = api.account("Writer");
        ApiCalls.User member = api.account("Critic");
        String news = newsOf(owner, member);
        String path = news + "/" + api.as(owner).post(news, POST).body().get("id").asText();

        api.as(member).patch(path, Map.of("title", "Mine")).assertError(403, "forbidden");
        assertFields(api.as(owner).patch(path, Map.of("title", " ")), "validation_failed", "title");
        assertFields(api.as(owner).patch(path, Map.of("author", "me")), "unknown_field", "author");
        JsonNode changed = api.as(owner).patch(path, Map.of("title", "Fête reportée")).body();
        assertThat(changed.get("title").asText()).isEqualTo("Fête reportée");
        assertThat(changed.get("body").asText()).isEqualTo("Rendez-vous à 14 h.");
    }

    private static ApiReply post(ApiCalls.User owner, String news, String field, Object value) {
        Map<String, Object> body = new HashMap<>(POST);
        body.put(field, value);
        return api.as(owner).post(news, body);
    }
}
