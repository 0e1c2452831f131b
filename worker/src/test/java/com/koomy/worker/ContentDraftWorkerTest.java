package com.koomy.worker;

import com.koomy.content.ContentDraft;
import com.koomy.content.ContentDraftDao;
import com.koomy.content.ContentDraftStatus;
import com.koomy.content.ContentDrafts;
import com.koomy.testing.OpenAiStub;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker wiring of AI drafts: outbox route, job request serialization, activator. Provider
 * behaviour (429, 5xx, budgets) is tested in common's GenerateDraftJobTest; here the OpenAI stub answering
 * one completion is enough.
 */
class ContentDraftWorkerTest {

    private static final OpenAiStub OPENAI = new OpenAiStub("Le club recrute !", 30, 12);

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<WorkerConfiguration> app = WorkerTestApp.on(KoomyWorkerApplication.class, db,
            ConfigOverride.config("jobs.dashboardEnabled", "false"),
            ConfigOverride.config("openai.apiKey", "sk-test-koomy-not-a-real-key"),
            ConfigOverride.config("openai.baseUrl", OPENAI.apiBaseUrl()));

    @AfterAll
    static void stopStub() {
        OPENAI.close();
    }

    @Test
    void aRequestedDraftIsGeneratedByTheWorker() {
        UUID id = db.jdbi().inTransaction(h -> new ContentDrafts(app.getConfiguration().getOpenai())
                .request(h, UUID.randomUUID(), "news", "Le club recrute des bénévoles", "fr"));

        await().atMost(Duration.ofSeconds(60)).until(() -> draft(id).status() == ContentDraftStatus.done);

        assertThat(draft(id).resultText()).isEqualTo("Le club recrute !");
        assertThat(draft(id).totalTokens()).isEqualTo(42);
        assertThat(OPENAI.requests()).hasSize(1);
    }

    private static ContentDraft draft(UUID id) {
        return db.jdbi().withExtension(ContentDraftDao.class, dao -> dao.find(id)).orElseThrow();
    }
}
