package com.koomy.api.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.security.OpenApiExamples.Operation;
import com.koomy.config.OpenAiFactory;
import com.koomy.content.GenerateDraftJob;
import com.koomy.testing.ApiReply;
import com.koomy.testing.OpenAiStub;
import com.koomy.testing.TestDatabase;
import com.sun.net.httpserver.HttpServer;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.util.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SSRF. Koomy fetches no URL a user gives it: its only outbound HTTP clients are the providers' (Stripe,
 * SendGrid, OpenAI, the S3 endpoint), each at a configured base URL. This proves it from the outside:
 * canary HTTP servers on loopback (one answering a redirect to the other), their URLs and the usual
 * internal-address spellings put in every text field of every route with a JSON body and in AI draft
 * briefs; then the AI drafts are generated as the worker generates them. The canaries receive nothing,
 * and the briefs reach the OpenAI stub only, as text.
 */
class SsrfCanaryTest {

    private static final List<String> CANARY_HITS = new CopyOnWriteArrayList<>();
    private static final HttpServer CANARY = server("127.0.0.1", "canary");
    private static final HttpServer REDIRECTOR = server("127.0.0.1", "redirector");
    private static final HttpServer CANARY_V6 = ipv6Canary();
    private static final OpenAiStub OPENAI = new OpenAiStub("A draft.", 30, 12);

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = AuthorizationWorld.app(db,
            ConfigOverride.config("openai.baseUrl", OPENAI.apiBaseUrl()));

    private static ApiCalls api;
    private static User owner;
    private static JsonNode document;
    private static final Map<String, String> IDS = new HashMap<>();

    private static HttpServer server(String host, String name) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), 0), 0);
            server.createContext("/", exchange -> {
                CANARY_HITS.add(name + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI()
                        + " from " + exchange.getRemoteAddress());
                if (name.equals("redirector")) {
                    exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + CANARY.getAddress().getPort() + "/redirected");
                    exchange.sendResponseHeaders(302, -1);
                } else {
                    byte[] body = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                }
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A canary on [::1] too when the machine has IPv6 loopback; null otherwise. */
    private static HttpServer ipv6Canary() {
        try {
            return server("::1", "canary-v6");
        } catch (UncheckedIOException e) {
            return null;
        }
    }

    @AfterAll
    static void stopServers() {
        for (HttpServer server : new HttpServer[]{CANARY, REDIRECTOR, CANARY_V6}) {
            if (server != null) {
                server.stop(0);
            }
        }
        OPENAI.close();
    }

    /** The canaries' URLs and the internal addresses an SSRF aims at, spelled the ways filters miss. */
    static List<String> urls() {
        int port = CANARY.getAddress().getPort();
        List<String> urls = new ArrayList<>(List.of(
                "http://127.0.0.1:" + port + "/canary",
                "http://localhost:" + port + "/canary?x=1",
                "http://127.1:" + port + "/short-form",
                "http://2130706433:" + port + "/decimal",
                "http://0x7f000001:" + port + "/hex",
                "http://127.0.0.1:" + REDIRECTOR.getAddress().getPort() + "/redirect-to-canary",
                "https://127.0.0.1:" + port + "/tls",
                "//127.0.0.1:" + port + "/scheme-relative",
                "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
                "http://[fd00::1]/", "http://10.0.0.1/admin", "http://192.168.1.1/", "http://172.16.0.1/",
                "http://224.0.0.1/", "gopher://127.0.0.1:" + port + "/_canary", "file:///etc/passwd",
                "![img](http://127.0.0.1:" + port + "/markdown-image)",
                "<img src=\"http://127.0.0.1:" + port + "/html-image\">"));
        if (CANARY_V6 != null) {
            urls.add("http://[::1]:" + CANARY_V6.getAddress().getPort() + "/v6");
        }
        return urls;
    }

    @BeforeAll
    static void community() {
        api = new ApiCalls(() -> app.getLocalPort());
        owner = api.user("Cathy Canary");
        User member = api.user("Milo Canary");
        UUID community = api.community(owner, "Canary Club", "public", "open");
        String c = "/api/communities/" + community;
        api.call("POST", c + "/join", member.token(), null);
        ApiReply post = api.call("POST", c + "/news", owner.token(), Map.of("title", "Canary news", "body", "body"));
        Instant start = Instant.now().plus(2, ChronoUnit.DAYS);
        ApiReply event = api.call("POST", c + "/events", owner.token(), Map.of("title", "Canary event",
                "startsAt", start.toString(), "endsAt", start.plusSeconds(3600).toString(), "timeZone", "Europe/Paris"));
        IDS.put("id", community.toString());
        IDS.put("communityId", community.toString());
        IDS.put("accountId", member.id().toString());
        IDS.put("postId", post.body().get("id").asText());
        IDS.put("eventId", event.body().get("id").asText());
        document = api.get("/api/openapi.json", null).body();
    }

    @Test
    void urlsInEveryTextFieldAndInAiBriefsAreNeverFetched() throws Exception {
        // AI drafts with URL briefs first (the free plan allows 20 a month; the loop below asks for more).
        String c = "/api/communities/" + IDS.get("communityId");
        for (String url : urls().subList(0, 6)) {
            assertThat(api.call("POST", c + "/news/drafts", owner.token(), Map.of("brief", "Summarise " + url)).status()).isEqualTo(202);
        }
        int calls = 0;
        int accepted = 0;
        for (Operation op : OpenApiExamples.operations(document)) {
            if (!op.bodyTypes().contains("application/json") || op.key().equals("POST /api/auth/logout")) {
                continue;
            }
            String path = OpenApiExamples.fill(op.path(), name -> IDS.getOrDefault(name, UUID.randomUUID().toString()));
            JsonNode example = OpenApiExamples.body(document, op.spec());
            if (!(example instanceof ObjectNode object)) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!field.getValue().isTextual()) {
                    continue;
                }
                for (String url : urls()) {
                    ObjectNode body = object.deepCopy();
                    body.put(field.getKey(), url);
                    ApiReply reply = api.send(op.method(), path, owner.token(), "application/json",
                            body.toString().getBytes(StandardCharsets.UTF_8));
                    calls++;
                    accepted += reply.status() < 300 ? 1 : 0;
                    assertThat(reply.status()).as("%s %s=%s", op.key(), field.getKey(), url).isLessThan(500);
                }
            }
        }
        // Then the AI drafts (these, and those the loop above got accepted) are generated as the worker's job does.
        OpenAiFactory openAi = new OpenAiFactory();
        openAi.setApiKey("sk-test-not-a-real-key");
        openAi.setBaseUrl(OPENAI.apiBaseUrl());
        openAi.setTimeout(Duration.seconds(5));
        openAi.setMaxRetries(0);
        openAi.setDailyRequestBudget(1000);
        GenerateDraftJob job = new GenerateDraftJob(db.jdbi(), openAi);
        List<UUID> queued = db.jdbi().withHandle(h -> h.createQuery("SELECT id FROM content_drafts WHERE status = 'queued'")
                .mapTo(UUID.class).list());
        for (UUID draft : queued) {
            job.generate(draft);
        }
        Thread.sleep(500); // anything fetched asynchronously would have arrived by now

        System.out.printf("SSRF canary: %d calls (%d accepted), %d drafts generated, %d OpenAI requests, canary hits %s%n",
                calls, accepted, queued.size(), OPENAI.requests().size(), CANARY_HITS);
        assertThat(calls).isGreaterThan(200);
        assertThat(accepted).as("calls the API accepted (stored the URL as text)").isGreaterThan(20);
        assertThat(queued).hasSizeGreaterThanOrEqualTo(6);
        assertThat(OPENAI.requests()).as("briefs went to the OpenAI stub, as text").hasSize(queued.size())
                .anyMatch(body -> body.contains("127.0.0.1:" + CANARY.getAddress().getPort()));
        assertThat(CANARY_HITS).as("requests the system made to user-supplied URLs").isEmpty();
    }
}
