package com.koomy.worker;

import com.koomy.content.ContentDraft;
import com.koomy.content.ContentDraftDao;
import com.koomy.content.ContentDraftStatus;
import com.koomy.content.ContentDrafts;
import com.koomy.testing.TestDatabase;
import com.sun.net.httpserver.HttpServer;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker wiring of AI drafts: outbox route, job request serialization, activator. Provider
 * behaviour (429, 5xx, budgets) is tested in common's GenerateDraftJobTest against WireMock; here a
 * JDK HTTP server answering one OpenAI-shaped completion is enough.
 */
class ContentDraftWorkerTest {

    private static final AtomicInteger CALLS = new AtomicInteger();
    private static final HttpServer OPENAI = startStub();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<WorkerConfiguration> app = WorkerTestApp.on(KoomyWorkerApplication.class, db,
            ConfigOverride.config("jobs.dashboardEnabled", "false"),
            ConfigOverride.config("openai.apiKey", "sk-test-koomy-not-a-real-key"),
            ConfigOverride.config("openai.baseUrl", "http://127.0.0.1:" + OPENAI.getAddress().getPort() + "/v1"),
            ConfigOverride.config("logging.level", "WARN"));

    @AfterAll
    static void stopStub() {
        OPENAI.stop(0);
    }

    @Test
    void aRequestedDraftIsGeneratedByTheWorker() {
        UUID id = db.jdbi().inTransaction(h -> new ContentDrafts(app.getConfiguration().getOpenai())
                .request(h, UUID.randomUUID(), "news", "Le club recrute des bénévoles", "fr"));

        await().atMost(Duration.ofSeconds(60)).until(() -> draft(id).status() == ContentDraftStatus.done);

        assertThat(draft(id).resultText()).isEqualTo("Le club recrute !");
        assertThat(draft(id).totalTokens()).isEqualTo(42);
        assertThat(CALLS.get()).isEqualTo(1);
    }

    private static ContentDraft draft(UUID id) {
        return db.jdbi().withExtension(ContentDraftDao.class, dao -> dao.find(id)).orElseThrow();
    }

    private static HttpServer startStub() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/v1/chat/completions", exchange -> {
                CALLS.incrementAndGet();
                exchange.getRequestBody().readAllBytes();
                byte[] body = """
                        {"id": "chatcmpl-worker", "object": "chat.completion", "created": 1745829101,
                         "model": "gpt-4o-mini-2024-07-18",
                         "choices": [{"index": 0, "message": {"role": "assistant", "content": "Le club recrute !",
                                      "refusal": null}, "logprobs": null, "finish_reason": "stop"}],
                         "usage": {"prompt_tokens": 30, "completion_tokens": 12, "total_tokens": 42}}
                        """.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
