package com.koomy.api.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.ListeningSockets;
import com.koomy.testing.ListeningSockets.Listener;
import com.koomy.testing.TestDatabase;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What is reachable on the network. With the production defaults of {@code config/*.yml} (the
 * environment ignored), only the API's application port listens beyond loopback: admin ports and the
 * JobRunr dashboard bind 127.0.0.1. The API started from config/api.yml really listens that way (read
 * from the kernel's socket table), and its admin port answers only {@code /ping} and {@code /healthcheck}
 * without credentials. The worker's side: {@code WorkerPortsTest}.
 */
class PortsAndAdminTest {

    private static final String ADMIN_PASSWORD = ApiTestApp.ADMIN_CREDENTIALS.split(":")[1];
    /** Listeners of this JVM before the API starts (other test classes' servers are not ours to judge). */
    private static final Set<Listener> BEFORE = ListeningSockets.available() ? ListeningSockets.ofThisProcess() : Set.of();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db); // admin credentials: ApiTestApp's

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern DEFAULTED = Pattern.compile("\\$\\{(\\w+)(?::-([^}]*))?}");

    /** The YAML as a machine without any KOOMY_* variable reads it: every ${VAR:-default} at its default. */
    static JsonNode productionDefaults(String file) throws IOException {
        String text = Files.readString(Path.of("..", "config", file));
        Matcher m = DEFAULTED.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(2) == null ? "" : m.group(2)));
        }
        m.appendTail(out);
        return new ObjectMapper(new YAMLFactory()).readTree(out.toString());
    }

    @Test
    void byDefaultOnlyTheApiPortBindsBeyondLoopback() throws IOException {
        JsonNode api = productionDefaults("api.yml");
        JsonNode worker = productionDefaults("worker.yml");
        List<String> exposed = new ArrayList<>();
        for (Map.Entry<String, JsonNode> config : Map.of("api.yml", api, "worker.yml", worker).entrySet()) {
            for (String kind : List.of("applicationConnectors", "adminConnectors")) {
                for (JsonNode connector : config.getValue().path("server").path(kind)) {
                    String host = connector.path("bindHost").asText("");
                    if (!host.equals("127.0.0.1") && !host.equals("::1") && !host.equals("localhost")) {
                        exposed.add(config.getKey() + " " + kind + " on '" + host + "'");
                    }
                }
            }
        }
        // A connector without bindHost would listen on every interface: it must show up here as ''.
        assertThat(exposed).containsExactly("api.yml applicationConnectors on '0.0.0.0'");
        assertThat(worker.path("server").path("applicationConnectors")).isEmpty();
        assertThat(worker.path("jobs").path("dashboardBindHost").asText()).isEqualTo("127.0.0.1");
        assertThat(worker.path("graphite").path("enabled").asBoolean()).isFalse();
    }

    @Test
    void theRunningApiListensBeyondLoopbackOnItsApplicationPortOnly() {
        Assumptions.assumeTrue(ListeningSockets.available(), "needs Linux /proc");
        Set<Listener> mine = new HashSet<>(ListeningSockets.ofThisProcess());
        mine.removeAll(BEFORE);
        List<String> beyondLoopback = mine.stream().filter(l -> !l.loopbackOnly()).map(Listener::toString).toList();
        assertThat(beyondLoopback).hasSize(1).allMatch(l -> l.endsWith(":" + app.getLocalPort()));
        assertThat(mine).anyMatch(l -> l.port() == app.getAdminPort() && l.loopbackOnly());
        assertThat(mine).as("the API's listeners").hasSize(2);
    }

    private static int admin(String method, String path, String credentials) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.getAdminPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (credentials != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void theAdminPortAnswersOnlyProbesWithoutCredentials() throws Exception {
        List<String> pages = List.of("GET /metrics", "GET /metrics?pretty=true", "GET /prometheus", "GET /prometheus/", "GET /threads", "GET /pprof",
                "POST /tasks/gc", "POST /tasks/log-level?logger=ROOT&level=TRACE", "GET /", "GET /ping/", "GET /healthcheck/../metrics",
                "GET /ping;a=b", "GET /PING", "POST /ping", "POST /healthcheck", "GET /ready/", "GET /ready;a=b", "POST /ready",
                "GET /ready/../metrics");
        List<String> open = new ArrayList<>();
        for (String page : pages) {
            String[] parts = page.split(" ", 2);
            for (String credentials : new String[]{null, "operator:wrong", "intruder:" + ADMIN_PASSWORD, "operator"}) {
                int status = admin(parts[0], parts[1], credentials);
                if (status != 401 && status != 400) {
                    open.add(page + " as " + credentials + " -> " + status);
                }
            }
        }
        assertThat(open).as("admin pages answered without the right credentials").isEmpty();
        assertThat(admin("GET", "/ping", null)).isEqualTo(200);
        assertThat(admin("GET", "/healthcheck", null)).isIn(200, 500);
        assertThat(admin("GET", "/ready", null)).isIn(200, 503);
        assertThat(admin("GET", "/metrics", "operator:" + ADMIN_PASSWORD)).isEqualTo(200);
        assertThat(admin("POST", "/tasks/gc", "operator:" + ADMIN_PASSWORD)).isEqualTo(200);
    }

    @Test
    void theApplicationPortServesNoAdminPages() {
        ApiCalls api = new ApiCalls(() -> app.getLocalPort());
        for (String path : List.of("/metrics", "/threads", "/tasks/gc", "/healthcheck", "/admin/metrics", "/dashboard")) {
            ApiReply reply = api.get(path, null);
            assertThat(reply.status()).as(path).isEqualTo(404);
        }
    }
}
