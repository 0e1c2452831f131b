package com.koomy.api.communities;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceTests;
import com.koomy.communities.Communities;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link DiscoveryResource} alone, as {@link CommunitiesRoutes} registers it: public communities by name and city. */
class DiscoveryResourceTest {

    private static CommunitiesRoutes routes;

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(DiscoveryResource.class, t -> {
        routes = new CommunitiesRoutes(t.app());
        routes.register(t.app());
    });

    @BeforeAll
    static void communities() {
        ApiCalls.User owner = api.account("Owner");
        create(owner, "École de Musique", "public", "Lyon");
        create(owner, "Chorale des Pentes", "public", "Lyon");
        create(owner, "Musique secrète", "private", "Lyon");
        create(owner, "Musiciens de Grenoble", "public", "Grenoble");
    }

    private static void create(ApiCalls.User owner, String name, String visibility, String city) {
        routes.communities().create(owner.id(), new Communities.NewCommunity(name, null, visibility, "open", "fr", city));
    }

    private static List<String> names(ApiReply reply) {
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        reply.body().get("items").forEach(c -> names.add(c.get("name").asText()));
        return names;
    }

    @Test
    void findsPublicCommunitiesByWordPrefixesAndCityIgnoringAccentsAndCase() {
        assertThat(names(api.anonymous().get("/api/communities?q=ecole%20mus"))).containsExactly("École de Musique");
        assertThat(names(api.anonymous().get("/api/communities?q=MUSI"))).containsExactly("École de Musique", "Musiciens de Grenoble");
        assertThat(names(api.anonymous().get("/api/communities?city=lyon")))
                .containsExactly("Chorale des Pentes", "École de Musique");
        assertThat(names(api.anonymous().get("/api/communities?q=musique&city=Grenoble"))).isEmpty();
        assertThat(names(api.anonymous().get("/api/communities"))).hasSize(3).doesNotContain("Musique secrète");
    }

    @Test
    void anItemShowsPublicFactsOnlyAndPagesFollowTheCursor() {
        ApiReply first = api.anonymous().get("/api/communities?limit=2");
        JsonNode item = first.body().get("items").get(0);
        assertThat(item.get("name").asText()).isEqualTo("Chorale des Pentes");
        assertThat(item.get("city").asText()).isEqualTo("Lyon");
        assertThat(item.get("joinPolicy").asText()).isEqualTo("open");
        assertThat(item.get("activeMembers").asLong()).isEqualTo(1);
        assertThat(item.has("description")).isFalse();

        String cursor = first.body().get("nextCursor").asText();
        assertThat(names(api.anonymous().get("/api/communities?limit=2&cursor=" + cursor))).containsExactly("Musiciens de Grenoble");
    }

    @Test
    void theSameAnswerForEveryoneWithAStrongETag() {
        ApiReply anonymous = api.anonymous().get("/api/communities?city=Lyon");
        ApiReply signedIn = api.as(api.account("Reader")).get("/api/communities?city=Lyon");

        assertThat(signedIn.body()).isEqualTo(anonymous.body());
        assertThat(anonymous.header("Cache-Control")).hasValue(DiscoveryResource.CACHE_CONTROL);
        String etag = anonymous.header("ETag").orElseThrow();
        assertThat(signedIn.header("ETag")).hasValue(etag);
        assertThat(api.anonymous().get("/api/communities?city=Lyon", "If-None-Match", etag).status()).isEqualTo(304);
        assertThat(api.anonymous().get("/api/communities?city=Grenoble", "If-None-Match", etag).status()).isEqualTo(200);
    }

    @Test
    void refusesOversizedQueriesAndBadListParameters() {
        assertFields(api.anonymous().get("/api/communities?q=" + "q".repeat(201)), "invalid_query", "q");
        assertFields(api.anonymous().get("/api/communities?city=" + "c".repeat(101)), "invalid_city", "city");
        assertFields(api.anonymous().get("/api/communities?limit=101"), "invalid_limit", "limit");
        assertFields(api.anonymous().get("/api/communities?limit=1.5"), "invalid_limit", "limit");
        assertFields(api.anonymous().get("/api/communities?cursor=nope"), "invalid_cursor", "cursor");
    }
}
