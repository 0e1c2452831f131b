package com.koomy.worker.e2e;

import com.koomy.testing.FreePorts;
import com.koomy.testing.TestDatabase;
import com.koomy.worker.e2e.ScaleOutCalls.Account;
import com.koomy.worker.e2e.ScaleOutCalls.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static com.koomy.worker.e2e.ScaleOutCalls.assertRateLimited;
import static com.koomy.worker.e2e.ScaleOutCalls.badLogin;
import static com.koomy.worker.e2e.ScaleOutCalls.call;
import static com.koomy.worker.e2e.ScaleOutCalls.createPublicCommunity;
import static com.koomy.worker.e2e.ScaleOutCalls.login;
import static com.koomy.worker.e2e.ScaleOutCalls.publicName;
import static com.koomy.worker.e2e.ScaleOutCalls.randomAddress;
import static com.koomy.worker.e2e.ScaleOutCalls.register;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two API instances from the packaged jar on one PostgreSQL and one Redis (and a worker, which their
 * health check needs): a session, a rate limit and a cached page behave the same whichever instance
 * answers, first when the test picks the instance, then behind the HAProxy configuration that
 * {@code ops/koomy scale} runs ({@code ops/koomy lb-config}).
 */
class ScaleOutIT {

    private static final Duration LOCAL_PAGE_TTL = Duration.ofSeconds(1);

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final List<KoomyProcess> PROCESSES = new ArrayList<>();
    private static String apiA;
    private static String apiB;
    private static int adminA;
    private static int adminB;

    @BeforeAll
    static void startTwoApisAndAWorker() throws Exception {
        Map<String, String> env = ScaleOutCalls.env(db, LOCAL_PAGE_TTL);
        Map<String, String> worker = new HashMap<>(env);
        int workerAdmin = FreePorts.next();
        worker.put("KOOMY_WORKER_ADMIN_PORT", String.valueOf(workerAdmin));
        PROCESSES.add(KoomyProcess.worker("scale-worker", worker, workerAdmin));
        int portA = FreePorts.next();
        int portB = FreePorts.next();
        Map<String, String> envA = ScaleOutCalls.apiEnv(env, portA);
        adminA = Integer.parseInt(envA.get("KOOMY_API_ADMIN_PORT"));
        PROCESSES.add(KoomyProcess.api("scale-api-a", envA, portA));
        Map<String, String> envB = ScaleOutCalls.apiEnv(env, portB);
        adminB = Integer.parseInt(envB.get("KOOMY_API_ADMIN_PORT"));
        PROCESSES.add(KoomyProcess.api("scale-api-b", envB, portB));
        for (KoomyProcess process : PROCESSES) {
            process.awaitHealthy(Duration.ofSeconds(120));
        }
        apiA = "http://127.0.0.1:" + portA;
        apiB = "http://127.0.0.1:" + portB;
    }

    @AfterAll
    static void stop() throws Exception {
        for (KoomyProcess process : PROCESSES) {
            process.close();
        }
    }

    /** The paths the Kubernetes probes and HAProxy use (ops/deploy) answer on a running instance. */
    @Test
    void theProbePathsAnswer() throws Exception {
        String admin = "http://127.0.0.1:" + adminA;
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(admin + "/ping")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        HttpResponse<String> checks = HTTP.send(HttpRequest.newBuilder(URI.create(admin + "/healthcheck")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(checks.body()).contains("\"database\"", "\"redis\"");
        assertThat(call(apiA, "GET", "/api/health", null, null, null).status()).isEqualTo(200);
    }

    @Test
    void aSessionMadeOnOneInstanceWorksOnTheOtherAndEndsOnBoth() throws Exception {
        Account ada = register(apiA, "Ada");
        String token = login(apiA, ada);

        Reply me = call(apiB, "GET", "/api/me", token, null, null);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().path("email").asText()).isEqualTo(ada.email());

        assertThat(call(apiB, "POST", "/api/auth/logout", token, null, null).status()).isEqualTo(204);
        Reply after = call(apiA, "GET", "/api/me", token, null, null);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.code()).isEqualTo("invalid_session");
    }

    @Test
    void loginLimitsCountTheRequestsOfBothInstances() throws Exception {
        // Per email (5 a minute): five wrong passwords alternating A, B, then both refuse, though
        // neither instance saw more than three.
        String email = "limited-" + UUID.randomUUID() + "@example.org";
        for (int i = 0; i < 5; i++) {
            Reply wrong = badLogin(i % 2 == 0 ? apiA : apiB, email, randomAddress());
            assertThat(wrong.status()).as("attempt %d", i + 1).isEqualTo(401);
        }
        assertRateLimited(badLogin(apiB, email, randomAddress()));
        assertRateLimited(badLogin(apiA, email, randomAddress()));

        // Per address (10 a minute): ten different emails from one address alternating, then the 11th.
        String address = randomAddress();
        for (int i = 0; i < 10; i++) {
            Reply wrong = badLogin(i % 2 == 0 ? apiA : apiB, "addr-" + UUID.randomUUID() + "@example.org", address);
            assertThat(wrong.status()).as("attempt %d", i + 1).isEqualTo(401);
        }
        assertRateLimited(badLogin(apiA, "addr-" + UUID.randomUUID() + "@example.org", address));
        assertRateLimited(badLogin(apiB, "addr-" + UUID.randomUUID() + "@example.org", address));
    }

    @Test
    void aChangeThroughOneInstanceIsServedByTheOtherWithinTheLocalPageTtl() throws Exception {
        Account owner = register(apiA, "Owner");
        String token = login(apiA, owner);
        String id = createPublicCommunity(apiA, token, "Before " + UUID.randomUUID());
        // Both instances hold the signed-out page (Redis and their own 1 s copy).
        assertThat(publicName(apiA, id)).startsWith("Before ");
        assertThat(publicName(apiB, id)).startsWith("Before ");

        String renamed = "After " + UUID.randomUUID();
        Reply patch = call(apiA, "PATCH", "/api/communities/" + id, token, Map.of("name", renamed), null);
        assertThat(patch.status()).isEqualTo(200);
        long changedAt = System.nanoTime();

        // Signed in: no per-process copy, Redis was invalidated: the other instance shows it at once.
        assertThat(call(apiB, "GET", "/api/communities/" + id, token, null, null).json().path("name").asText())
                .isEqualTo(renamed);
        assertSignedOutPageBecomes(List.of(apiA, apiB), id, renamed, changedAt);
    }

    @Test
    void behindHaproxyEveryInstanceAnswersAndNothingDependsOnWhichOne() throws Exception {
        String haproxy = Haproxy.binary();
        assumeTrue(haproxy != null, "haproxy is not installed: the balancer checks are skipped (ops/koomy test "
                + "installs it; apt-get install haproxy)");
        int port = FreePorts.next();
        try (Haproxy balancer = Haproxy.start(haproxy, port, FreePorts.next(),
                List.of(URI.create(apiA).getPort() + ":" + adminA, URI.create(apiB).getPort() + ":" + adminB))) {
            balancer.awaitServersUp(Duration.ofSeconds(30));
            String lb = "http://127.0.0.1:" + port;

            // Round robin: consecutive requests reach both instances.
            Set<String> answeredBy = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                answeredBy.add(call(lb, "GET", "/api/health", null, null, null).instance());
            }
            assertThat(answeredBy).containsExactlyInAnyOrder("api-1", "api-2");

            // A session works whichever instance answers.
            Account grace = register(lb, "Grace");
            String token = login(lb, grace);
            Set<String> servedMe = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                Reply me = call(lb, "GET", "/api/me", token, null, null);
                assertThat(me.status()).isEqualTo(200);
                assertThat(me.json().path("email").asText()).isEqualTo(grace.email());
                servedMe.add(me.instance());
            }
            assertThat(servedMe).containsExactlyInAnyOrder("api-1", "api-2");

            // The login limit per email counts across both (client address: HAProxy's X-Forwarded-For hop).
            String email = "lb-limited-" + UUID.randomUUID() + "@example.org";
            Set<String> refusedBy = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                Reply wrong = badLogin(lb, email, null);
                assertThat(wrong.status()).isEqualTo(401);
                refusedBy.add(wrong.instance());
            }
            assertThat(refusedBy).containsExactlyInAnyOrder("api-1", "api-2");
            assertRateLimited(badLogin(lb, email, null));
            assertRateLimited(badLogin(lb, email, null));

            // A change is seen through the balancer within the local page TTL, whoever answers.
            String id = createPublicCommunity(lb, token, "Balanced " + UUID.randomUUID());
            for (int i = 0; i < 4; i++) {
                assertThat(call(lb, "GET", "/api/communities/" + id, null, null, null).json().path("name").asText())
                        .startsWith("Balanced ");
            }
            String renamed = "Rebalanced " + UUID.randomUUID();
            assertThat(call(lb, "PATCH", "/api/communities/" + id, token, Map.of("name", renamed), null).status())
                    .isEqualTo(200);
            long changedAt = System.nanoTime();
            assertSignedOutPageBecomes(List.of(lb), id, renamed, changedAt);
        }
    }

    /**
     * From the local page TTL (plus scheduling slack) after the change on, every answer of every base
     * URL shows the new name: through the balancer, answers from both instances.
     */
    private void assertSignedOutPageBecomes(List<String> bases, String id, String name, long changedAt)
            throws Exception {
        long bound = changedAt + LOCAL_PAGE_TTL.plusMillis(500).toNanos();
        long wait = bound - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        for (String base : bases) {
            Set<String> answeredBy = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                Reply page = call(base, "GET", "/api/communities/" + id, null, null, null);
                assertThat(page.status()).isEqualTo(200);
                assertThat(page.json().path("name").asText()).as("answer %d of %s (%s)", i, base, page.instance()).isEqualTo(name);
                if (page.instance() != null) {
                    answeredBy.add(page.instance());
                }
            }
            if (!answeredBy.isEmpty()) {
                assertThat(answeredBy).containsExactlyInAnyOrder("api-1", "api-2");
            }
        }
    }
}
