package com.koomy.worker.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.testing.FreePorts;
import com.koomy.testing.StripeTestEvents;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestRedis;
import com.koomy.worker.CountingWorkerApplication;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.HasAuthentication;
import org.openqa.selenium.UsernameAndPassword;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The JobRunr dashboard as an operator uses it, in Debian's headless chromium (driven through the
 * system's chromedriver: nothing downloads a browser or a driver). The API and the worker run as
 * processes from the packaged jars. The dashboard refuses a visit without credentials, lets the
 * operator in, shows the failed job of an event whose handler fails, and requeues it once the cause
 * is "fixed"; the job then succeeds. Screenshots of every step go to target/browser-artifacts.
 * Then every line the two processes logged must be JSON with all its fields.
 */
class DashboardBrowserIT {

    private static final String SECRET = "whsec_browser_test";
    private static final String OPERATOR = "operator";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final HeadlessChromium chromium = new HeadlessChromium();

    @Test
    void theOperatorRequeuesAFailedJobFromTheDashboardAndItSucceeds() throws Exception {
        assertThat(HeadlessChromium.CHROMIUM).as("Debian's chromium (ops/koomy installs it)").isExecutable();
        assertThat(HeadlessChromium.CHROMEDRIVER).as("Debian's chromium-driver (ops/koomy installs it)").isExecutable();
        HeadlessChromium.resetArtifacts();
        // A fresh password per run: nothing to commit, nothing another stack could know.
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);

        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", db.url());
        env.put("DATABASE_USER", TestDatabase.user());
        env.put("DATABASE_PASSWORD", TestDatabase.password());
        env.put("STRIPE_WEBHOOK_SECRET", SECRET);
        env.put("KOOMY_REDIS_PREFIX", TestRedis.newPrefix());
        env.put("KOOMY_API_DB_MAX", "4");
        env.put("KOOMY_JOBS_WORKERS", "2");
        env.put("KOOMY_WORKER_DB_MAX", "6");
        env.put("KOOMY_WORKER_JOBS_DB_MAX", "8");
        // No retries: the failing event's job is FAILED at its first attempt.
        env.put("KOOMY_STRIPE_EVENT_RETRIES", "0");
        int dashboardPort = FreePorts.next();
        env.put("KOOMY_DASHBOARD_ENABLED", "true");
        env.put("KOOMY_DASHBOARD_PORT", String.valueOf(dashboardPort));
        env.put("KOOMY_DASHBOARD_USER", OPERATOR);
        env.put("KOOMY_DASHBOARD_PASSWORD", password);
        int apiPort = FreePorts.next();
        env.put("KOOMY_API_PORT", String.valueOf(apiPort));
        env.put("KOOMY_API_ADMIN_PORT", String.valueOf(FreePorts.next()));
        int workerAdminPort = FreePorts.next();
        env.put("KOOMY_WORKER_ADMIN_PORT", String.valueOf(workerAdminPort));

        Jdbi jdbi = db.jdbi();
        String dashboard = "http://127.0.0.1:" + dashboardPort;
        String eventId = StripeTestEvents.newEventId();
        String requestId = "browser-it-" + eventId;
        Path apiLog = KoomyProcess.MODULE.resolve("target/e2e/browser-api.log");
        Path workerLog = KoomyProcess.MODULE.resolve("target/e2e/browser-worker.log");
        Files.deleteIfExists(apiLog);
        Files.deleteIfExists(workerLog);

        try (KoomyProcess worker = KoomyProcess.worker("browser-worker", env, workerAdminPort);
             KoomyProcess api = KoomyProcess.api("browser-api", env, apiPort)) {
            worker.awaitHealthy(Duration.ofSeconds(90));
            api.awaitHealthy(Duration.ofSeconds(90));

            // Without credentials (or with wrong ones) neither the page nor its API answers.
            for (String path : List.of("/dashboard", "/dashboard/jobs?state=FAILED", "/api/jobs?state=FAILED")) {
                assertThat(status(dashboard + path, null)).as("GET %s without credentials", path).isEqualTo(401);
                assertThat(status(dashboard + path, basic(OPERATOR, password + "x"))).as("GET %s, wrong password", path)
                        .isEqualTo(401);
                assertThat(status(dashboard + path, basic(OPERATOR, password))).as("GET %s as the operator", path)
                        .isEqualTo(200);
            }

            // An event whose handler fails until the test lets it succeed, posted signed as Stripe would.
            String payload = StripeTestEvents.event(eventId, CountingWorkerApplication.FAILS_UNTIL_ALLOWED, "customer");
            HttpResponse<String> posted = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + apiPort + "/api/webhooks/stripe"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("Stripe-Signature", StripeTestEvents.sign(payload, SECRET))
                    .header("X-Request-Id", requestId)
                    .header("User-Agent", "DashboardBrowserIT")
                    .POST(HttpRequest.BodyPublishers.ofString(payload)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> "FAILED".equals(jobState(jdbi, eventId)) && "failed".equals(eventStatus(jdbi, eventId)));
            String jobId = jobId(jdbi, eventId);
            // Nor do the live updates or the requeue action.
            assertThat(status(dashboard + "/sse/jobstats", null)).as("SSE without credentials").isEqualTo(401);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(dashboard + "/api/jobs/" + jobId + "/requeue"))
                    .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).as("requeue without credentials").isEqualTo(401);
            assertThat(jobState(jdbi, eventId)).isEqualTo("FAILED");

            WebDriver browser = chromium.start();
            try {
                // No credentials: headless chromium gets the 401 and shows nothing of the dashboard.
                browser.get(dashboard + "/dashboard/jobs?state=FAILED");
                Thread.sleep(500);
                chromium.screenshot(browser, "unauthenticated");
                assertThat(browser.getPageSource()).doesNotContain("Apply Stripe event").doesNotContain("Requeue");
                assertThat(browser.findElements(By.xpath("//*[contains(text(), 'Failed')]"))).isEmpty();

                // The operator's credentials, answered to the browser's auth challenges through CDP.
                ((HasAuthentication) browser).register(UsernameAndPassword.of(OPERATOR, password));
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
                browser.get(dashboard + "/dashboard/jobs?state=FAILED");
                WebElement failed = wait.until(ExpectedConditions.visibilityOfElementLocated(
                        By.xpath("//*[contains(text(), 'Apply Stripe event " + eventId + "')]")));
                chromium.screenshot(browser, "failed-jobs");

                failed.click();
                wait.until(ExpectedConditions.urlContains(jobId));
                // Its history ends with the attempt that failed; unfolded, it shows the handler's exception.
                wait.until(ExpectedConditions.elementToBeClickable(
                        By.xpath("//*[contains(text(), 'Job processing failed')]"))).click();
                wait.until(ExpectedConditions.visibilityOfElementLocated(
                        By.xpath("//*[contains(text(), 'test_switches holds " + eventId + "')]")));
                chromium.screenshot(browser, "failed-job");

                // The cause is fixed; the operator requeues the job.
                jdbi.useHandle(h -> h.createUpdate("INSERT INTO test_switches (name) VALUES (:name)")
                        .bind("name", eventId).execute());
                WebElement requeue = wait.until(ExpectedConditions.elementToBeClickable(
                        By.xpath("//button[contains(translate(normalize-space(.), 'REQUEU', 'requeu'), 'requeue')]")));
                requeue.click();
                chromium.screenshot(browser, "requeued");

                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                        .until(() -> "SUCCEEDED".equals(jobState(jdbi, eventId)));
                assertThat(eventStatus(jdbi, eventId)).isEqualTo("processed");

                browser.navigate().refresh();
                new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(
                        By.xpath("//*[contains(text(), 'This job has succeeded')]")));
                chromium.screenshot(browser, "succeeded");
            } catch (RuntimeException | AssertionError e) {
                chromium.screenshot(browser, "failure");
                Files.writeString(HeadlessChromium.ARTIFACTS.resolve("failure.html"), browser.getPageSource());
                throw e;
            } finally {
                browser.quit();
            }
        }

        HeadlessChromium.assertOnlyLocalTraffic();
        JsonLogLines.assertJsonLogs(apiLog, true, requestId);
        JsonLogLines.assertJsonLogs(workerLog, false, null);
        // The failed attempt's stack trace stays inside its line, in the exception field.
        assertThat(Files.readAllLines(workerLog)).anySatisfy(line -> assertThat(JSON.readTree(line).path("exception").asText())
                .contains("test_switches holds " + eventId));
    }

    private int status(String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<Map<String, Object>> job(Jdbi jdbi, String eventId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id::text AS id, state FROM jobrunr.jobrunr_jobs "
                        + "WHERE jobasjson LIKE :pattern ORDER BY createdat DESC LIMIT 1")
                .bind("pattern", "%Apply Stripe event " + eventId + "%").mapToMap().findOne());
    }

    private static String jobState(Jdbi jdbi, String eventId) {
        return job(jdbi, eventId).map(row -> (String) row.get("state")).orElse(null);
    }

    private static String jobId(Jdbi jdbi, String eventId) {
        return job(jdbi, eventId).map(row -> (String) row.get("id")).orElseThrow();
    }

    private static String eventStatus(Jdbi jdbi, String eventId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT status FROM stripe_events WHERE event_id = :id")
                .bind("id", eventId).mapTo(String.class).findOne().orElse(null));
    }
}
