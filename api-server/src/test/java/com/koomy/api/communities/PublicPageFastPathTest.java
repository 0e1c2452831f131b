package com.koomy.api.communities;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestRedis;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Signed-out page reads answered before Jersey from each instance's memory (PublicPageFastRoute): same
 * answer as Jersey's, conditional GETs, 404s left to Jersey, and two API instances sharing PostgreSQL
 * and Redis: the instance that makes a change shows it at once, the other within its local TTL.
 */
class PublicPageFastPathTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PAGE_TIMER = MetricRegistry.name(CommunitiesResource.class, "page");

    /** Two instances of one stack: one Redis key prefix, so that what one invalidates the other reads anew. */
    private static final String STACK = TestRedis.newPrefix();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> one = ApiTestApp.instanceOf(STACK, db);

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> two = ApiTestApp.instanceOf(STACK, db,
            ConfigOverride.config("migrateOnStart", "false"));

    private final ApiCalls api = new ApiCalls(() -> one.getLocalPort());

    private static HttpResponse<String> get(DropwizardAppExtension<ApiConfiguration> app, UUID id, String ifNoneMatch)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://localhost:" + app.getLocalPort() + "/api/communities/" + id));
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String name(DropwizardAppExtension<ApiConfiguration> app, UUID id) throws Exception {
        return JSON.readTree(get(app, id, null).body()).get("name").asText();
    }

    private static long count(DropwizardAppExtension<ApiConfiguration> app, String meter) {
        return app.getEnvironment().metrics().meter(meter).getCount();
    }

    @Test
    void signedOutReadsSkipJerseyAndAnswerAsItWould() throws Exception {
        User owner = api.user("Owner Fast");
        UUID id = api.community(owner, "Fast Fanfare", "public", "open");

        HttpResponse<String> first = get(two, id, null); // loads into instance two's memory (through Jersey or not)
        long timed = two.getEnvironment().metrics().timer(PAGE_TIMER).getCount();
        long localHits = count(two, "koomy.cache.communities-local.hits");
        HttpResponse<String> second = get(two, id, null);

        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(JSON.readTree(second.body()).get("name").asText()).isEqualTo("Fast Fanfare");
        assertThat(JSON.readTree(second.body()).get("membership").isNull()).isTrue();
        assertThat(second.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(second.headers().firstValue("Cache-Control")).hasValue("public, max-age=60, stale-while-revalidate=300");
        assertThat(second.headers().firstValue("Vary")).hasValue("Authorization");
        assertThat(second.headers().firstValue("X-Request-Id")).isPresent(); // the request log still wraps it
        String etag = second.headers().firstValue("ETag").orElseThrow();
        assertThat(first.headers().firstValue("ETag")).hasValue(etag);
        assertThat(count(two, "koomy.cache.communities-local.hits") - localHits).isEqualTo(1);
        // Answered before Jersey, yet counted by the resource method's own @Timed timer (Grafana's panels read it).
        assertThat(two.getEnvironment().metrics().timer(PAGE_TIMER).getCount()).as("the resource method's timer").isEqualTo(timed + 1);

        assertThat(get(two, id, etag).statusCode()).isEqualTo(304);
        assertThat(get(two, id, "\"other\", W/" + etag).statusCode()).isEqualTo(304);
        assertThat(get(two, id, "\"other\"").statusCode()).isEqualTo(200);
        // Jersey's own answer for the same page (instance one, signed in, is a different representation;
        // its signed-out path goes through the same PublicPages) carries the same ETag.
        assertThat(get(one, id, null).headers().firstValue("ETag")).hasValue(etag);
    }

    @Test
    void aChangeShowsAtOnceWhereItWasMadeAndWithinTheLocalTtlElsewhere() throws Exception {
        assertThat(ApiTestApp.keys(two).prefix()).isEqualTo(ApiTestApp.keys(one).prefix()).isEqualTo(STACK);
        User owner = api.user("Owner Twice");
        UUID id = api.community(owner, "Before Rename", "public", "open");
        assertThat(name(one, id)).isEqualTo("Before Rename");
        assertThat(name(two, id)).isEqualTo("Before Rename");

        assertThat(api.call("PATCH", "/api/communities/" + id, owner.token(), Map.of("name", "After Rename")).status())
                .isEqualTo(200);
        assertThat(name(one, id)).isEqualTo("After Rename");
        long changedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> name(two, id).equals("After Rename"));
        // The local TTL is 1 s; the bound leaves room for a loaded CI machine, and still fails if the
        // second instance kept its copy until some longer expiry (or forever).
        assertThat(Duration.ofNanos(System.nanoTime() - changedAt)).isLessThan(Duration.ofSeconds(4));

        // A new member changes the count shown on the page the same way.
        User joiner = new ApiCalls(() -> two.getLocalPort()).user("Joiner Two");
        assertThat(new ApiCalls(() -> two.getLocalPort()).call("POST", "/api/communities/" + id + "/join", joiner.token(), null)
                .status()).isEqualTo(201);
        assertThat(JSON.readTree(get(two, id, null).body()).get("activeMembers").asLong()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> JSON.readTree(get(one, id, null).body()).get("activeMembers").asLong() == 2);
    }

    @Test
    void privateAndUnknownCommunitiesAreJerseys404() throws Exception {
        User owner = api.user("Owner Private Fast");
        UUID hidden = api.community(owner, "Hidden Fast", "private", "approval");
        for (UUID id : new UUID[]{hidden, UUID.randomUUID()}) {
            HttpResponse<String> response = get(two, id, null);
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("community_not_found");
            assertThat(response.body()).doesNotContain("Hidden Fast");
        }
        HttpResponse<String> malformed = HTTP.send(HttpRequest.newBuilder(URI.create(
                "http://localhost:" + two.getLocalPort() + "/api/communities/not-a-uuid-at-all-but-36-characters-x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(malformed.statusCode()).isEqualTo(404);
    }
}
