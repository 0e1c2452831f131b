package com.koomy.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.jobs.JobIds;
import com.koomy.jobs.OutboxDao;
import com.koomy.testing.DashboardNames;
import com.koomy.testing.FreePorts;
import com.koomy.testing.ListeningSockets;
import com.koomy.testing.StripeTestEvents;
import com.koomy.testing.TestDatabase;
import com.koomy.stripe.events.IncomingStripeEvent;
import com.koomy.stripe.events.StripeEvent;
import com.koomy.stripe.events.StripeEventDao;
import com.koomy.stripe.events.StripeEventWrites;
import com.koomy.stripe.events.StripeEventStatus;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The worker in-process on a test database: outbox relay, JobRunr, handlers, failure marking, dashboard. */
class WorkerIntegrationTest {

    private static final int DASHBOARD_PORT = FreePorts.next();
    /** Listeners of this JVM before the worker starts (other test classes' servers are not ours to judge). */
    private static final Set<ListeningSockets.Listener> BEFORE = ListeningSockets.available()
            ? ListeningSockets.ofThisProcess() : Set.of();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<WorkerConfiguration> app = WorkerTestApp.on(CountingWorkerApplication.class, db,
            ConfigOverride.config("jobs.stripeEventRetries", "1"),
            ConfigOverride.config("jobs.dashboardEnabled", "true"),
            ConfigOverride.config("jobs.dashboardPort", String.valueOf(DASHBOARD_PORT)),
            ConfigOverride.config("jobs.dashboardUser", "operator"),
            ConfigOverride.config("jobs.dashboardPassword", "test-only-password"),
            ConfigOverride.config("admin.user", "operator"),
            ConfigOverride.config("admin.password", "test-only-admin-password"));

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static String store(String type) {
        String id = StripeTestEvents.newEventId();
        db.jdbi().useHandle(h -> StripeEventWrites.storeIfAbsent(h, new IncomingStripeEvent(
                id, type, false, null, "2024-06-20", Instant.now(), StripeTestEvents.event(id, type, "customer"))));
        return id;
    }

    private static StripeEvent event(String id) {
        return db.jdbi().withExtension(StripeEventDao.class, dao -> dao.find(id)).orElseThrow();
    }

    private static long applications(String id) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM test_applications WHERE event_id = :id")
                .bind("id", id).mapTo(Long.class).one());
    }

    @Test
    void startsRelayedJobsWithoutWaitingForJobRunrsPoll() throws InterruptedException {
        // JobRunr's free edition polls every 5 s at best (worker.yml); the relay wakes the job server up
        // after each batch it commits. Without that, an event stored at a random moment waits 2.5 s on
        // average, so four in a row all applied within 2.5 s would be luck (about 1 in 16).
        for (int i = 0; i < 4; i++) {
            Thread.sleep(1_300);
            String id = store(CountingWorkerApplication.COUNTED);
            await().atMost(Duration.ofMillis(2_500)).pollInterval(Duration.ofMillis(50))
                    .until(() -> event(id).status() == StripeEventStatus.processed);
        }
    }

    @Test
    void appliesStoredEventsOnceEachAndIgnoresUnknownTypes() {
        List<String> counted = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            counted.add(store(CountingWorkerApplication.COUNTED));
        }
        String unknown = store("customer.created");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(counted).allSatisfy(id -> assertThat(event(id).status()).isEqualTo(StripeEventStatus.processed));
            assertThat(event(unknown).status()).isEqualTo(StripeEventStatus.ignored);
        });
        assertThat(counted).allSatisfy(id -> assertThat(applications(id)).isEqualTo(1));
        assertThat(db.jdbi().withExtension(OutboxDao.class, OutboxDao::pending)).isZero();
    }

    @Test
    void theSameWorkRelayedTwiceMakesOneJob() {
        String id = store(CountingWorkerApplication.COUNTED);
        // As if a relay died after JobRunr stored the job but before its delete committed.
        db.jdbi().useExtension(OutboxDao.class, dao -> dao.add(StripeEvent.OUTBOX_KIND, id));

        await().atMost(Duration.ofSeconds(60)).until(() -> event(id).status() == StripeEventStatus.processed
                && db.jdbi().withExtension(OutboxDao.class, OutboxDao::pending) == 0);
        long jobs = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM jobrunr.jobrunr_jobs WHERE id = :id")
                .bind("id", JobIds.of(StripeEvent.OUTBOX_KIND, id).toString()).mapTo(Long.class).one());
        assertThat(jobs).isEqualTo(1);
        assertThat(applications(id)).isEqualTo(1);
    }

    @Test
    void anEventWhoseRetriesRunOutIsMarkedFailedWithItsError() {
        String id = store(CountingWorkerApplication.FAILING);

        await().atMost(Duration.ofSeconds(90)).until(() -> event(id).status() == StripeEventStatus.failed);

        StripeEvent failed = event(id);
        // One attempt in its batch's job, then its own job: a first run and one retry (stripeEventRetries 1).
        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(failed.lastError()).isEqualTo("IllegalStateException: the test handler always fails");
        String jobState = db.jdbi().withHandle(h -> h.createQuery("SELECT state FROM jobrunr.jobrunr_jobs WHERE id = :id")
                .bind("id", JobIds.of(StripeEvent.OUTBOX_KIND, id + "#retry").toString()).mapTo(String.class).one());
        assertThat(jobState).isEqualTo("FAILED");
        // The batch's own job succeeded: its one event went on alone.
        String batchState = db.jdbi().withHandle(h -> h.createQuery("SELECT state FROM jobrunr.jobrunr_jobs WHERE id = :id")
                .bind("id", JobIds.of(StripeEvent.RECEIVED_OUTBOX_KIND, id).toString()).mapTo(String.class).one());
        assertThat(batchState).isEqualTo("SUCCEEDED");
    }

    @Test
    void healthReportsALiveJobServerAndTheDatabaseAndRedis() throws Exception {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> response = get("http://127.0.0.1:" + app.getAdminPort() + "/healthcheck", null);
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = app.getObjectMapper().readTree(response.body());
            assertThat(body.at("/jobs/healthy").asBoolean()).isTrue();
            assertThat(body.at("/jobs/liveServers").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(body.at("/job-server/healthy").asBoolean()).isTrue();
            assertThat(body.at("/database/healthy").asBoolean()).isTrue();
            assertThat(body.at("/redis/healthy").asBoolean()).isTrue();
        });
    }

    @Test
    void theDashboardRequiresItsCredentials() throws Exception {
        String url = "http://127.0.0.1:" + DASHBOARD_PORT + "/api/jobs?state=SUCCEEDED";
        assertThat(get(url, null).statusCode()).isEqualTo(401);
        assertThat(get(url, "operator:wrong").statusCode()).isEqualTo(401);
        assertThat(get(url, "operator:test-only-password").statusCode()).isEqualTo(200);
        assertThat(get("http://127.0.0.1:" + DASHBOARD_PORT + "/dashboard/", null).statusCode()).isEqualTo(401);
    }

    /** The page's scripts may fetch from the dashboard's origin only: no version check or notifications from jobrunr.io. */
    @Test
    void theDashboardPageKeepsTheBrowserOffJobrunrIo() throws Exception {
        HttpResponse<String> page = get("http://127.0.0.1:" + DASHBOARD_PORT + "/dashboard/", "operator:test-only-password");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue("connect-src 'self'");
        HttpResponse<String> api = get("http://127.0.0.1:" + DASHBOARD_PORT + "/api/version", "operator:test-only-password");
        assertThat(api.body()).as("the usage report stays off").contains("\"allowAnonymousDataUsage\":false");
    }

    @Test
    void theDashboardAsksForCredentialsOnEveryPageAndActionButItsRedirect() throws Exception {
        String base = "http://127.0.0.1:" + DASHBOARD_PORT;
        String job = UUID.randomUUID().toString();
        List<String> open = new ArrayList<>();
        for (String page : List.of("GET /dashboard", "GET /dashboard/index.html", "GET /api/jobs?state=FAILED",
                "GET /api/servers", "GET /api/recurring-jobs", "GET /api/problems", "GET /api/version", "GET /api/jobs/" + job,
                "POST /api/jobs/" + job + "/requeue", "DELETE /api/jobs/" + job, "GET /sse/jobstats",
                "POST /api/recurring-jobs/x/trigger", "DELETE /api/recurring-jobs/x")) {
            String[] parts = page.split(" ", 2);
            for (String credentials : new String[]{null, "operator:wrong", "admin:test-only-password", "operator:"}) {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + parts[1])).timeout(Duration.ofSeconds(5))
                        .method(parts[0], HttpRequest.BodyPublishers.noBody());
                if (credentials != null) {
                    request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
                }
                int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status != 401) {
                    open.add(page + " as " + credentials + " -> " + status);
                }
            }
        }
        assertThat(open).as("dashboard pages and actions served without the right credentials").isEmpty();
        HttpResponse<String> root = get(base + "/", null);
        assertThat(root.statusCode()).as("the bare redirect to /dashboard").isEqualTo(302);
        assertThat(root.body()).isEmpty();
    }

    @Test
    void theWorkerListensOnLoopbackOnlyAndItsAdminPortAnswersProbesOnly() throws Exception {
        Assumptions.assumeTrue(ListeningSockets.available(), "needs Linux /proc");
        Set<ListeningSockets.Listener> mine = new HashSet<>(ListeningSockets.ofThisProcess());
        mine.removeAll(BEFORE);
        assertThat(mine).as("the worker's listeners: admin port and dashboard")
                .extracting(ListeningSockets.Listener::port).containsExactlyInAnyOrder(app.getAdminPort(), DASHBOARD_PORT);
        assertThat(mine).allMatch(ListeningSockets.Listener::loopbackOnly);

        String admin = "http://127.0.0.1:" + app.getAdminPort();
        assertThat(get(admin + "/ping", null).statusCode()).isEqualTo(200);
        for (String page : List.of("/metrics", "/prometheus", "/threads", "/pprof", "/")) {
            assertThat(get(admin + page, null).statusCode()).as(page).isEqualTo(401);
            assertThat(get(admin + page, "operator:wrong").statusCode()).as(page).isEqualTo(401);
        }
        assertThat(get(admin + "/metrics", "operator:test-only-admin-password").statusCode()).isEqualTo(200);
        // Prometheus' text format from the same registry, the pools' usage labelled by pool (issue 22).
        HttpResponse<String> prometheus = get(admin + "/prometheus", "operator:test-only-admin-password");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(prometheus.body()).contains("# TYPE outbox_relayed_total counter")
                .containsPattern("(?m)^koomy_db_pool_usage\\{pool=\"jobrunr\",?\\} ")
                .containsPattern("(?m)^io_dropwizard_db_ManagedPooledDataSource_jobrunr_active [0-9]");
        // What the Prometheus dashboard queries of a worker exists; SendGrid's timer appears with the first send.
        assertThat(DashboardNames.inRows("Jobs", "Email")).isNotEmpty().allSatisfy(name -> {
            if (!name.equals("koomy_email_provider_call")) {
                assertThat(prometheus.body()).as(name).containsPattern("(?m)^" + name + "[{ ]");
            }
        });
    }

    private HttpResponse<String> get(String url, String credentials) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (credentials != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

}
