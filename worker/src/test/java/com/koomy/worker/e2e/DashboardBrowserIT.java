package com.koomy.worker.e2e;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.openqa.selenium.OutputType;
import org.openqa.selenium.UsernameAndPassword;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

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
    private static final Path ARTIFACTS = KoomyProcess.MODULE.resolve("target/browser-artifacts");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private int shot;

    @Test
    void theOperatorRequeuesAFailedJobFromTheDashboardAndItSucceeds() throws Exception {
        assertThat(CHROMIUM).as("Debian's chromium (ops/koomy installs it)").isExecutable();
        assertThat(CHROMEDRIVER).as("Debian's chromium-driver (ops/koomy installs it)").isExecutable();
        resetArtifacts();
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

            WebDriver browser = chromium();
            try {
                // No credentials: headless chromium gets the 401 and shows nothing of the dashboard.
                browser.get(dashboard + "/dashboard/jobs?state=FAILED");
                Thread.sleep(500);
                screenshot(browser, "unauthenticated");
                assertThat(browser.getPageSource()).doesNotContain("Apply Stripe event").doesNotContain("Requeue");
                assertThat(browser.findElements(By.xpath("//*[contains(text(), 'Failed')]"))).isEmpty();

                // The operator's credentials, answered to the browser's auth challenges through CDP.
                ((HasAuthentication) browser).register(UsernameAndPassword.of(OPERATOR, password));
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
                browser.get(dashboard + "/dashboard/jobs?state=FAILED");
                WebElement failed = wait.until(ExpectedConditions.visibilityOfElementLocated(
                        By.xpath("//*[contains(text(), 'Apply Stripe event " + eventId + "')]")));
                screenshot(browser, "failed-jobs");

                failed.click();
                wait.until(ExpectedConditions.urlContains(jobId));
                // Its history ends with the attempt that failed; unfolded, it shows the handler's exception.
                wait.until(ExpectedConditions.elementToBeClickable(
                        By.xpath("//*[contains(text(), 'Job processing failed')]"))).click();
                wait.until(ExpectedConditions.visibilityOfElementLocated(
                        By.xpath("//*[contains(text(), 'test_switches holds " + eventId + "')]")));
                screenshot(browser, "failed-job");

                // The cause is fixed; the operator requeues the job.
                jdbi.useHandle(h -> h.createUpdate("INSERT INTO test_switches (name) VALUES (:name)")
                        .bind("name", eventId).execute());
                WebElement requeue = wait.until(ExpectedConditions.elementToBeClickable(
                        By.xpath("//button[contains(translate(normalize-space(.), 'REQUEU', 'requeu'), 'requeue')]")));
                requeue.click();
                screenshot(browser, "requeued");

                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                        .until(() -> "SUCCEEDED".equals(jobState(jdbi, eventId)));
                assertThat(eventStatus(jdbi, eventId)).isEqualTo("processed");

                browser.navigate().refresh();
                new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(
                        By.xpath("//*[contains(text(), 'This job has succeeded')]")));
                screenshot(browser, "succeeded");
            } catch (RuntimeException | AssertionError e) {
                screenshot(browser, "failure");
                Files.writeString(ARTIFACTS.resolve("failure.html"), browser.getPageSource());
                throw e;
            } finally {
                browser.quit();
            }
        }

        assertOnlyLocalTraffic();
        assertJsonLogs(apiLog, true, requestId);
        assertJsonLogs(workerLog, false, null);
        // The failed attempt's stack trace stays inside its line, in the exception field.
        assertThat(Files.readAllLines(workerLog)).anySatisfy(line -> assertThat(JSON.readTree(line).path("exception").asText())
                .contains("test_switches holds " + eventId));
    }

    /** Debian's chromium through Debian's chromedriver, both named: Selenium Manager never runs. */
    private static WebDriver chromium() throws IOException {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(ARTIFACTS.resolve("chromedriver.log").toFile())
                .build();
        Path profile = Files.createTempDirectory("koomy-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
                "--disable-client-side-phishing-detection", "--disable-domain-reliability", "--no-pings",
                "--disable-features=OptimizationHints,OptimizationGuideModelDownloading,MediaRouter,DnsOverHttps",
                // Names resolve to nothing but 127.0.0.1: the browser cannot reach out even if it tries
                // (chromium's own services, the dashboard's version check at api.jobrunr.io).
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--window-size=1400,1000", "--user-data-dir=" + profile,
                // Every request the browser makes, to show it went nowhere but the dashboard.
                "--log-net-log=" + ARTIFACTS.resolve("netlog.json"));
        return new ChromeDriver(service, options);
    }

    private void resetArtifacts() throws IOException {
        if (Files.isDirectory(ARTIFACTS)) {
            try (Stream<Path> files = Files.list(ARTIFACTS)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
        }
        Files.createDirectories(ARTIFACTS);
    }

    private void screenshot(WebDriver browser, String name) throws IOException {
        byte[] png = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(ARTIFACTS.resolve(String.format("%02d-%s.png", ++shot, name)), png);
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

    /**
     * Chromium's net log records every socket it opened. Its own services and the dashboard's
     * version check (api.jobrunr.io) do try, but with names resolving to nothing no request may
     * leave the machine: every TCP connection goes to 127.0.0.1 and no UDP datagram is sent (no DNS;
     * chromium's IPv6 reachability probe connects a UDP socket but sends nothing).
     */
    private static void assertOnlyLocalTraffic() throws IOException {
        Path netlog = ARTIFACTS.resolve("netlog.json");
        assertThat(netlog).exists();
        JsonNode log;
        try (com.fasterxml.jackson.core.JsonParser parser = JSON.getFactory().createParser(netlog.toFile())) {
            log = JSON.readTree(parser); // the first value: chromium may append a few bytes after it
        }
        Map<Integer, String> types = new HashMap<>();
        log.path("constants").path("logEventTypes").fields()
                .forEachRemaining(type -> types.put(type.getValue().asInt(), type.getKey()));
        int local = 0;
        List<String> remote = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (JsonNode event : log.path("events")) {
            String type = types.getOrDefault(event.path("type").asInt(), "?");
            JsonNode params = event.path("params");
            switch (type) {
                case "TCP_CONNECT_ATTEMPT", "TCP_CONNECT" -> {
                    List<String> addresses = new ArrayList<>();
                    params.path("address_list").forEach(a -> addresses.add(a.asText()));
                    if (params.has("address")) {
                        addresses.add(params.path("address").asText());
                    }
                    for (String address : addresses) {
                        if (address.startsWith("127.0.0.1:")) {
                            local++;
                        } else {
                            remote.add(type + " " + address);
                        }
                    }
                }
                case "UDP_BYTES_SENT" -> remote.add(type + " " + params);
                case "URL_REQUEST_START_JOB" -> {
                    String url = params.path("url").asText();
                    if (!url.isEmpty() && !url.startsWith("http://127.0.0.1:")) {
                        refused.add(url.replaceAll("\\?.*", ""));
                    }
                }
                default -> { }
            }
        }
        assertThat(local).as("connections to the dashboard in the net log").isPositive();
        assertThat(remote).as("traffic chromium sent off the machine").isEmpty();
        System.out.printf("chromium: %d local connections, none elsewhere; requests refused by the resolver: %s%n",
                local, new java.util.TreeSet<>(refused));
    }

    /**
     * Every line is one JSON object. Request lines (logger koomy.request) carry timestamp, level,
     * method, path, status, durationMs, userAgent and requestId; every other line timestamp, level,
     * logger and message.
     */
    private static void assertJsonLogs(Path log, boolean api, String requestId) throws IOException {
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).as(log.toString()).isNotEmpty();
        int requests = 0;
        boolean ours = false;
        for (String line : lines) {
            JsonNode entry;
            try {
                entry = JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError(log.getFileName() + ": not JSON: " + line, e);
            }
            assertThat(entry.isObject()).as(line).isTrue();
            List<String> fields = "koomy.request".equals(entry.path("logger").asText())
                    ? List.of("timestamp", "level", "method", "path", "status", "durationMs", "userAgent", "requestId")
                    : List.of("timestamp", "level", "logger", "message");
            for (String field : fields) {
                assertThat(entry.has(field)).as("%s: field %s in %s", log.getFileName(), field, line).isTrue();
            }
            if ("koomy.request".equals(entry.path("logger").asText())) {
                requests++;
                if (requestId != null && requestId.equals(entry.path("requestId").asText())) {
                    ours = true;
                    assertThat(entry.path("method").asText()).isEqualTo("POST");
                    assertThat(entry.path("path").asText()).isEqualTo("/api/webhooks/stripe");
                    assertThat(entry.path("status").asInt()).isEqualTo(200);
                    assertThat(entry.path("durationMs").isNumber()).isTrue();
                    assertThat(entry.path("userAgent").asText()).isEqualTo("DashboardBrowserIT");
                }
            }
        }
        if (api) {
            assertThat(requests).as("request lines in " + log.getFileName()).isPositive();
            assertThat(ours).as("the webhook's request line, id " + requestId).isTrue();
        }
        System.out.printf("%s: %d JSON lines, %d request lines%n", log.getFileName(), lines.size(), requests);
    }
}
