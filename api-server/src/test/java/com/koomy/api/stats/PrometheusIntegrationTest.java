package com.koomy.api.stats;

import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.DashboardNames;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /prometheus} on the running API's admin port (issue 22): the Prometheus text format from the
 * Dropwizard registry, a request counted under its route template and status as labels (a template with a
 * dot in it too), behind the admin credentials.
 */
class PrometheusIntegrationTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db);

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> get(int port, String path, String credentials) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (credentials != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of one sample, -1 when the scrape has none. */
    private static double sample(String scrape, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels) + ",?\\} (\\S+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static String scrape() throws Exception {
        HttpResponse<String> response = get(app.getAdminPort(), "/prometheus", ApiTestApp.ADMIN_CREDENTIALS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        return response.body();
    }

    @Test
    void countsEachRequestUnderItsRouteAndStatus() throws Exception {
        String ready = "route=\"GET /api/health/ready\",status=\"200\"";
        String document = "route=\"GET /api/openapi.{type:json|yaml}\",status=\"200\"";
        String before = scrape();
        double readyBefore = Math.max(0, sample(before, "koomy_http_requests_seconds_count", ready));

        assertThat(get(app.getLocalPort(), "/api/health/ready", null).statusCode()).isEqualTo(200);
        assertThat(get(app.getLocalPort(), "/api/health/ready", null).statusCode()).isEqualTo(200);
        assertThat(get(app.getLocalPort(), "/api/openapi.json", null).statusCode()).isEqualTo(200);
        assertThat(get(app.getLocalPort(), "/api/no-such-route", null).statusCode()).isEqualTo(404);

        // The filter records a request once its response is written, so a client can hold the last response
        // a moment before it is counted: wait for the counts, then check that they are exactly these.
        AtomicReference<String> scraped = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String now = scrape();
            scraped.set(now);
            assertThat(now).contains("# TYPE koomy_http_requests_seconds summary");
            assertThat(sample(now, "koomy_http_requests_seconds_count", ready)).isEqualTo(readyBefore + 2);
            assertThat(sample(now, "koomy_http_requests_seconds_count", document)).isEqualTo(1);
            assertThat(sample(now, "koomy_http_requests_seconds_count", "route=\"GET (unmatched)\",status=\"404\"")).isEqualTo(1);
        });
        String after = scraped.get();
        assertThat(sample(after, "koomy_http_requests_seconds", ready + ",quantile=\"0.99\"")).isPositive();
        // The rest of the registry under the bridge's names: Jetty by status class, the pools.
        assertThat(sample(after, "jetty_responses_total", "status=\"2xx\"")).isGreaterThanOrEqualTo(3);
        assertThat(sample(after, "koomy_db_pool_usage", "pool=\"postgresql\"")).isBetween(0.0, 1.0);
        assertThat(after).containsPattern("(?m)^io_dropwizard_db_ManagedPooledDataSource_postgresql_active [0-9]");
        // What the Prometheus dashboard queries of the API exists (the JVM row: Dropwizard registers those
        // gauges in a real start, not under the test harness).
        assertThat(DashboardNames.inRows("API", "Database")).isNotEmpty()
                .allSatisfy(name -> assertThat(after).as(name).containsPattern("(?m)^" + name + "[{ ]"));
    }

    @Test
    void needsTheAdminCredentials() throws Exception {
        assertThat(get(app.getAdminPort(), "/prometheus", null).statusCode()).isEqualTo(401);
        assertThat(get(app.getAdminPort(), "/prometheus", "operator:wrong").statusCode()).isEqualTo(401);
        assertThat(get(app.getLocalPort(), "/prometheus", null).statusCode()).isEqualTo(404);
    }
}
