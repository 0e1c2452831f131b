package com.koomy.api.communities;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Community pages come from Redis, and every write that changes one shows on the very next read (R3). */
class CommunityCacheIntegrationTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db);

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort());

    private HttpResponse<String> get(UUID community, String token, String ifNoneMatch) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://localhost:" + app.getLocalPort() + "/api/communities/" + community));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode body(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private long meter(String name) {
        MetricRegistry metrics = app.getEnvironment().metrics();
        return metrics.meter("koomy.cache.communities." + name).getCount();
    }

    @Test
    void readsAreHitsUntilAPatchWhichShowsOnTheNextRead() throws Exception {
        User owner = api.user("Owner Cache");
        long hits = meter("hits");
        long misses = meter("misses");
        UUID id = api.community(owner, "Cached Choir", "public", "open"); // its 201 page: the one miss

        assertThat(body(get(id, null, null)).get("name").asText()).isEqualTo("Cached Choir");
        assertThat(body(get(id, owner.token(), null)).get("name").asText()).isEqualTo("Cached Choir");
        assertThat(meter("misses") - misses).isEqualTo(1);
        assertThat(meter("hits") - hits).isEqualTo(2);
        assertThat(app.getEnvironment().metrics().getGauges()).containsKey("koomy.cache.communities.hit-ratio");

        assertThat(api.call("PATCH", "/api/communities/" + id, owner.token(),
                Map.of("name", "Renamed Choir", "description", "Tuesdays")).status()).isEqualTo(200);
        JsonNode after = body(get(id, null, null));
        assertThat(after.get("name").asText()).isEqualTo("Renamed Choir");
        assertThat(after.get("description").asText()).isEqualTo("Tuesdays");
        assertThat(meter("misses") - misses).isEqualTo(2); // the PATCH's own answer reloaded the page
        assertThat(meter("hits") - hits).isEqualTo(3);
    }

    @Test
    void membershipChangesShowInTheCachedMemberCount() throws Exception {
        User owner = api.user("Owner Count");
        User joiner = api.user("Joiner Count");
        User applicant = api.user("Applicant Count");
        UUID id = api.community(owner, "Counted Club", "public", "open");
        assertThat(body(get(id, null, null)).get("activeMembers").asLong()).isEqualTo(1);
        get(id, null, null); // surely cached now

        assertThat(api.call("POST", "/api/communities/" + id + "/join", joiner.token(), null).status()).isEqualTo(201);
        assertThat(body(get(id, null, null)).get("activeMembers").asLong()).isEqualTo(2);

        assertThat(api.call("PATCH", "/api/communities/" + id, owner.token(), Map.of("joinPolicy", "approval")).status())
                .isEqualTo(200);
        assertThat(api.call("POST", "/api/communities/" + id + "/join", applicant.token(), null).status()).isEqualTo(201);
        assertThat(body(get(id, null, null)).get("activeMembers").asLong()).isEqualTo(2); // pending
        assertThat(api.call("PATCH", "/api/communities/" + id + "/members/" + applicant.id(), owner.token(),
                Map.of("status", "active")).status()).isEqualTo(200);
        assertThat(body(get(id, null, null)).get("activeMembers").asLong()).isEqualTo(3);

        assertThat(api.call("DELETE", "/api/communities/" + id + "/members/" + joiner.id(), joiner.token(), null).status())
                .isEqualTo(204);
        assertThat(body(get(id, null, null)).get("activeMembers").asLong()).isEqualTo(2);
    }

    @Test
    void aCommunityMadePrivateDisappearsAtOnceForStrangers() throws Exception {
        User owner = api.user("Owner Private");
        UUID id = api.community(owner, "Soon Private", "public", "open");
        assertThat(get(id, null, null).statusCode()).isEqualTo(200);
        assertThat(get(id, null, null).statusCode()).isEqualTo(200);

        assertThat(api.call("PATCH", "/api/communities/" + id, owner.token(), Map.of("visibility", "private")).status())
                .isEqualTo(200);
        assertThat(get(id, null, null).statusCode()).isEqualTo(404);
        assertThat(get(id, owner.token(), null).statusCode()).isEqualTo(200);
    }

    @Test
    void etagsAnswer304UntilAWriteChangesThePage() throws Exception {
        User owner = api.user("Owner Etag");
        UUID id = api.community(owner, "Tagged Club", "public", "open");

        HttpResponse<String> first = get(id, null, null);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).matches("\"[A-Za-z0-9_-]{22}\"");
        assertThat(first.headers().firstValue("Cache-Control"))
                .hasValue("public, max-age=60, stale-while-revalidate=300");
        assertThat(first.headers().allValues("Vary")).anySatisfy(v -> assertThat(v).contains("Authorization"));

        HttpResponse<String> notModified = get(id, null, etag);
        assertThat(notModified.statusCode()).isEqualTo(304);
        assertThat(notModified.body()).isEmpty();
        assertThat(notModified.headers().firstValue("ETag")).hasValue(etag);
        assertThat(get(id, null, "\"something-else\"").statusCode()).isEqualTo(200);

        assertThat(api.call("PATCH", "/api/communities/" + id, owner.token(), Map.of("locale", "en")).status())
                .isEqualTo(200);
        HttpResponse<String> changed = get(id, null, etag);
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(body(changed).get("locale").asText()).isEqualTo("en");
        assertThat(changed.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(etag);
    }

    @Test
    void aSignedInCallersPageIsPrivateToThem() throws Exception {
        User owner = api.user("Owner Mine");
        UUID id = api.community(owner, "Own Club", "public", "open");

        HttpResponse<String> mine = get(id, owner.token(), null);
        assertThat(mine.statusCode()).isEqualTo(200);
        assertThat(body(mine).at("/membership/role").asText()).isEqualTo("owner");
        assertThat(mine.headers().firstValue("Cache-Control")).hasValue("private, no-cache");
        String etag = mine.headers().firstValue("ETag").orElseThrow();
        assertThat(get(id, owner.token(), etag).statusCode()).isEqualTo(304);
        // The anonymous page has no membership, hence another tag: the owner's tag does not match it.
        HttpResponse<String> anonymous = get(id, null, etag);
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(body(anonymous).get("membership").isNull()).isTrue();
    }
}
