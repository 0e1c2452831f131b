package com.koomy.api.communities;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /api/communities?q=&city= (issue 21): public communities by name and city, accents ignored. */
class CommunityDiscoveryIntegrationTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db);

    private static final ApiCalls API = new ApiCalls(() -> app.getLocalPort()).checkingContract();
    private static User owner;

    private static UUID create(String name, String city, String visibility) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("name", name, "visibility", visibility));
        if (city != null) {
            body.put("city", city);
        }
        ApiReply created = API.call("POST", "/api/communities", owner.token(), body);
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        return UUID.fromString(created.body().get("id").asText());
    }

    @BeforeAll
    static void communities() {
        owner = API.user("Fatou Founder");
        create("École de Musique d'Évry", "Évry-Courcouronnes", "public");
        create("Ecole de danse", "Paris", "public");
        create("Les Amis de l'ÉCOLE", "Évry-Courcouronnes", "public");
        create("École privée", "Évry-Courcouronnes", "private");
        UUID closed = create("École fermée", "Évry-Courcouronnes", "public");
        assertThat(API.call("POST", "/api/communities/" + closed + "/archive", owner.token(), null).status()).isEqualTo(200);
        create("Tennis Club", null, "public");
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private List<String> names(String query, String token) {
        ApiReply r = API.get("/api/communities" + query, token);
        assertThat(r.status()).as(query + ": " + r.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        r.body().get("items").forEach(i -> names.add(i.get("name").asText()));
        return names;
    }

    @Test
    void findsPublicCommunitiesByNameAndCityWhateverTheAccentsAndCase() {
        assertThat(names("?q=ecole", null)).containsExactly("Ecole de danse", "École de Musique d'Évry", "Les Amis de l'ÉCOLE");
        assertThat(names("?q=" + enc("ÉCOLE"), null)).containsExactly("Ecole de danse", "École de Musique d'Évry", "Les Amis de l'ÉCOLE");
        assertThat(names("?q=" + enc("école mus"), null)).containsExactly("École de Musique d'Évry");
        assertThat(names("?q=evry", null)).containsExactly("École de Musique d'Évry", "Les Amis de l'ÉCOLE");
        assertThat(names("?q=courcouronnes+amis", null)).containsExactly("Les Amis de l'ÉCOLE");
        assertThat(names("?city=" + enc("EVRY-courcouronnes"), null)).containsExactly("École de Musique d'Évry", "Les Amis de l'ÉCOLE");
        assertThat(names("?city=paris&q=ecole", null)).containsExactly("Ecole de danse");
        assertThat(names("?city=evry", null)).as("city is the whole city").isEmpty();
        assertThat(names("?q=guitare", null)).isEmpty();
        // Tsquery syntax is text here, not operators.
        assertThat(names("?q=" + enc("ecole & !danse | (tennis):*"), null)).isEmpty();
        assertThat(names("?q=" + enc("!!! ???"), null)).hasSize(4);
        assertThat(names("", null)).containsExactly("Ecole de danse", "École de Musique d'Évry", "Les Amis de l'ÉCOLE",
                "Tennis Club");
        // Signed in, the same list: private (even one's own) and archived communities are never listed.
        assertThat(names("?q=ecole", owner.token())).containsExactly("Ecole de danse", "École de Musique d'Évry",
                "Les Amis de l'ÉCOLE");
        JsonNode item = API.get("/api/communities?q=danse", null).body().at("/items/0");
        assertThat(item.get("city").asText()).isEqualTo("Paris");
        assertThat(item.get("activeMembers").asLong()).isEqualTo(1);
        assertThat(item.has("sortName")).isFalse();
    }

    @Test
    void pagesFollowEachOtherWithoutGapOrRepeat() {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            ApiReply page = API.get("/api/communities?q=ecole&limit=1" + (cursor == null ? "" : "&cursor=" + enc(cursor)), null);
            assertThat(page.status()).isEqualTo(200);
            page.body().get("items").forEach(i -> seen.add(i.get("name").asText()));
            cursor = page.body().get("nextCursor").isNull() ? null : page.body().get("nextCursor").asText();
        } while (cursor != null && seen.size() < 10);
        assertThat(seen).containsExactly("Ecole de danse", "École de Musique d'Évry", "Les Amis de l'ÉCOLE");
    }

    @Test
    void isCachedLikeAPublicPage() {
        ApiReply first = API.get("/api/communities?q=tennis", null);
        assertThat(first.header("Cache-Control").orElseThrow()).contains("public, max-age=30, stale-while-revalidate=60");
        String etag = first.header("ETag").orElseThrow();
        ApiReply again = API.send("GET", "/api/communities?q=tennis", null, null, null, "If-None-Match", etag);
        assertThat(again.status()).isEqualTo(304);
    }

    /**
     * A new, renamed or archived community shows in discovery at once, not after the 30-s cache: every community
     * change retires every cached query (CommunityDiscovery.changed). Each search is made (and so cached) first.
     */
    @Test
    void aNewRenamedOrArchivedCommunityShowsAtOnce() {
        String q = "?q=" + enc("Pétanque Zéphyr");
        assertThat(names(q, null)).isEmpty();
        UUID club = create("Pétanque Zéphyr", "Arles", "public");
        assertThat(names(q, null)).as("new").containsExactly("Pétanque Zéphyr");
        assertThat(names("?city=arles", null)).containsExactly("Pétanque Zéphyr");

        String renamedQ = "?q=" + enc("Boules Zéphyr");
        assertThat(names(renamedQ, null)).isEmpty();
        assertThat(API.call("PATCH", "/api/communities/" + club, owner.token(), Map.of("name", "Boules Zéphyr", "city", "Nîmes"))
                .status()).isEqualTo(200);
        assertThat(names(renamedQ, null)).as("renamed").containsExactly("Boules Zéphyr");
        assertThat(names(q, null)).as("the old name").isEmpty();
        assertThat(names("?city=arles", null)).as("the old city").isEmpty();
        assertThat(names("?city=nimes", null)).containsExactly("Boules Zéphyr");

        assertThat(API.call("POST", "/api/communities/" + club + "/archive", owner.token(), null).status()).isEqualTo(200);
        assertThat(names(renamedQ, null)).as("archived").isEmpty();
        assertThat(names("?city=nimes", null)).isEmpty();
        assertThat(API.call("POST", "/api/communities/" + club + "/unarchive", owner.token(), null).status()).isEqualTo(200);
        assertThat(names(renamedQ, null)).as("unarchived").containsExactly("Boules Zéphyr");
        // Left archived: the other tests of this class list every public community.
        assertThat(API.call("POST", "/api/communities/" + club + "/archive", owner.token(), null).status()).isEqualTo(200);
        assertThat(names(renamedQ, null)).isEmpty();
    }

    @Test
    void badQueriesAreClearErrors() {
        Map<String, String> got = new LinkedHashMap<>();
        for (String query : List.of("limit=0", "limit=101", "limit=abc", "limit=-1", "cursor=garbage",
                "q=" + "a".repeat(201), "city=" + "b".repeat(101))) {
            ApiReply r = API.get("/api/communities?" + query, null);
            got.put(query.length() > 20 ? query.substring(0, 6) : query, r.status() + " " + r.code());
        }
        assertThat(got).containsExactly(
                Map.entry("limit=0", "400 invalid_limit"), Map.entry("limit=101", "400 invalid_limit"),
                Map.entry("limit=abc", "400 invalid_limit"), Map.entry("limit=-1", "400 invalid_limit"),
                Map.entry("cursor=garbage", "400 invalid_cursor"), Map.entry("q=aaaa", "400 invalid_query"),
                Map.entry("city=b", "400 invalid_city"));
        ApiReply longCity = API.call("POST", "/api/communities", owner.token(), Map.of("name", "Too Long", "city", "c".repeat(101)));
        assertThat(longCity.status() + " " + longCity.code()).isEqualTo("400 validation_failed");
        assertThat(longCity.body().at("/error/details/fields").toString()).contains("city");
    }
}
