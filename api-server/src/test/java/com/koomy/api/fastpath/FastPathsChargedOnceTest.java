package com.koomy.api.fastpath;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.api.communities.CommunitiesResource;
import com.koomy.api.events.CheckinsResource;
import com.koomy.api.memberships.MembershipsResource;
import com.koomy.api.ratelimit.RateLimiter;
import com.koomy.api.stripe.StripeWebhookResource;
import com.koomy.errors.ApiException;
import com.koomy.testing.StripeTestEvents;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestRedis;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request a fast path refuses after its gate (a non-manager's directory read, a scan by someone who may
 * not scan, a private community's page) is counted once against its limits and asks its question of the
 * database once; the resources' own timers (and Stripe's exception meter) count the fast path's requests,
 * as the admin port's /metrics and the Prometheus route label show.
 */
class FastPathsChargedOnceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.withRateLimits(CountingApp.class, db,
            ConfigOverride.config("cardKeySecret", Base64.getEncoder().encodeToString(new byte[32])),
            ConfigOverride.config("trustedProxies", "1"),
            ConfigOverride.config("rateLimits.policies.perAccount.requests", "1000"),
            ConfigOverride.config("rateLimits.policies.perAccount.period", "20 hours"),
            ConfigOverride.config("rateLimits.policies.perClient.requests", "1000"),
            ConfigOverride.config("rateLimits.policies.perClient.period", "20 hours"),
            ConfigOverride.config("rateLimits.policies.door.requests", "1000"),
            ConfigOverride.config("rateLimits.policies.door.period", "20 hours"));

    private static String ownerToken;
    private static String memberToken;
    private static UUID member;
    private static UUID community;
    private static UUID privateCommunity;
    private static UUID event;

    @BeforeAll
    static void world() {
        UUID owner = account("Oscar Owner");
        member = account("Mia Member");
        ownerToken = ApiTestApp.sessions(app).create(owner).token();
        memberToken = ApiTestApp.sessions(app).create(member).token();
        community = created("Once Club", "public");
        privateCommunity = created("Once Circle", "private");
        assertThat(call("POST", "/api/communities/" + community + "/join", memberToken, null).status()).isEqualTo(201);
        event = UUID.fromString(call("POST", "/api/communities/" + community + "/events", ownerToken, Map.of("title", "Once",
                "place", "Hall", "startsAt", Instant.now().plusSeconds(3600).toString(),
                "endsAt", Instant.now().plusSeconds(7200).toString(), "timeZone", "Europe/Paris")).body().get("id").asText());
    }

    private static UUID account(String name) {
        UUID id = UUID.randomUUID();
        db.jdbi().useHandle(h -> h.execute("INSERT INTO accounts (id, email, name, password_hash, email_verified_at) "
                + "VALUES (?, ?, ?, 'x', now())", id, "once-" + id + "@example.org", name));
        return id;
    }

    private static BothWays.Answer call(String method, String path, String token, Object body, String... headers) {
        try {
            return BothWays.send(app.getLocalPort(), method, path, token, "application/json",
                    body == null ? null : body instanceof byte[] b ? b : JSON.writeValueAsBytes(body), headers);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static UUID created(String name, String visibility) {
        BothWays.Answer created = call("POST", "/api/communities", ownerToken, Map.of("name", name, "visibility", visibility,
                "joinPolicy", "open"));
        assertThat(created.status()).isEqualTo(201);
        return UUID.fromString(created.body().get("id").asText());
    }

    /** Leaves {@code subject} exactly {@code left} requests of {@code policy}, runs {@code check}, then refills it. */
    private static void leaving(String policy, String subject, long left, Runnable check) {
        RateLimiter limiter = app.getConfiguration().getRateLimits().build(TestRedis.client(), ApiTestApp.keys(app), new MetricRegistry());
        long spent = 0;
        try {
            while (spent < 100_000) {
                limiter.check(policy, subject);
                spent++;
            }
        } catch (ApiException full) {
            assertThat(full.status()).isEqualTo(429);
        }
        limiter.giveBack(policy, subject, left);
        try {
            check.run();
        } finally {
            limiter.giveBack(policy, subject, spent);
        }
    }

    private static long timed(Class<?> resource, String method) {
        return app.getEnvironment().metrics().timer(MetricRegistry.name(resource, method)).getCount();
    }

    @Test
    void aMembersDirectoryReadIsCountedOnceAndItsRightAskedOnce() {
        long right = CountingApp.statements("MembershipDao.standing");
        long pages = CountingApp.statements("Memberships.directory") + CountingApp.statements("MembershipDao.find");
        long timer = timed(MembershipsResource.class, "members");
        leaving("perAccount", member.toString(), 4, () -> {
            for (int i = 0; i < 4; i++) {
                assertThat(call("GET", "/api/communities/" + community + "/members", memberToken, null).status()).isEqualTo(403);
            }
            assertThat(call("GET", "/api/communities/" + community + "/members", memberToken, null).status()).isEqualTo(429);
        });
        assertThat(CountingApp.statements("MembershipDao.standing") - right).isEqualTo(4);
        assertThat(CountingApp.statements("Memberships.directory") + CountingApp.statements("MembershipDao.find") - pages).isZero();
        assertThat(timed(MembershipsResource.class, "members") - timer).isEqualTo(4);
    }

    @Test
    void aRefusedScanIsCountedOnceAndCheckedOnce() {
        long events = CountingApp.statements("EventDao.find");
        long timer = timed(CheckinsResource.class, "scan");
        byte[] scan = "{\"qr\":\"koomy-ticket:v1:x\",\"scanId\":\"once\",\"gate\":\"A\"}".getBytes(StandardCharsets.UTF_8);
        leaving("door", member.toString(), 4, () -> {
            for (int i = 0; i < 4; i++) {
                assertThat(call("POST", "/api/events/" + event + "/checkins", memberToken, scan).status()).isEqualTo(403);
            }
            assertThat(call("POST", "/api/events/" + event + "/checkins", memberToken, scan).status()).isEqualTo(429);
        });
        assertThat(CountingApp.statements("EventDao.find") - events).isEqualTo(4);
        assertThat(timed(CheckinsResource.class, "scan") - timer).isEqualTo(4);
    }

    @Test
    void aPrivatePageIsCountedOnceAndLoadedOnce() {
        long loads = app.getEnvironment().metrics().meter("koomy.cache.communities-local.misses").getCount();
        long timer = timed(CommunitiesResource.class, "page");
        String client = "198.51.100.77";
        leaving("perClient", client, 4, () -> {
            for (int i = 0; i < 4; i++) {
                assertThat(call("GET", "/api/communities/" + privateCommunity, null, null, "X-Forwarded-For", client).status())
                        .isEqualTo(404);
            }
            assertThat(call("GET", "/api/communities/" + privateCommunity, null, null, "X-Forwarded-For", client).status())
                    .isEqualTo(429);
        });
        assertThat(app.getEnvironment().metrics().meter("koomy.cache.communities-local.misses").getCount() - loads).isEqualTo(4);
        assertThat(timed(CommunitiesResource.class, "page") - timer).isEqualTo(4);
    }

    @Test
    void adminMetricsShowTheWebhookResourceCountingFastPathDeliveries() {
        String timer = MetricRegistry.name(StripeWebhookResource.class, "receive");
        JsonNode before = adminJson("/metrics");
        for (int i = 0; i < 3; i++) {
            String payload = StripeTestEvents.paymentIntentSucceeded(StripeTestEvents.newEventId());
            assertThat(call("POST", "/api/webhooks/stripe", null, payload.getBytes(StandardCharsets.UTF_8),
                    "Stripe-Signature", StripeTestEvents.sign(payload, ApiTestApp.SECRET)).status()).isEqualTo(200);
        }
        assertThat(call("POST", "/api/webhooks/stripe", null, "{}".getBytes(StandardCharsets.UTF_8),
                "Stripe-Signature", "t=1,v1=00").status()).isEqualTo(400);
        JsonNode after = adminJson("/metrics");
        assertThat(after.at("/timers/" + timer + "/count").asLong() - before.at("/timers/" + timer + "/count").asLong())
                .isEqualTo(4);
        assertThat(after.at("/meters/" + timer + ".exceptions/count").asLong()
                - before.at("/meters/" + timer + ".exceptions/count").asLong()).isEqualTo(1);
        String scrape = BothWays.send(app.getAdminPort(), "GET", "/prometheus", null, null, null, "Authorization", basic())
                .body().asText();
        assertThat(scrape).containsPattern("koomy_http_requests_seconds_count\\{route=\"POST /api/webhooks/stripe\",status=\"200\",?} 3.0")
                .containsPattern("koomy_http_requests_seconds_count\\{route=\"POST /api/webhooks/stripe\",status=\"400\",?} 1.0");
    }

    private static String basic() {
        return "Basic " + Base64.getEncoder().encodeToString(ApiTestApp.ADMIN_CREDENTIALS.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode adminJson(String path) {
        BothWays.Answer answer = BothWays.send(app.getAdminPort(), "GET", path, null, null, null, "Authorization", basic());
        assertThat(answer.status()).isEqualTo(200);
        return answer.body();
    }
}
