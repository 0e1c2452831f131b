package com.koomy.content;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.koomy.config.OpenAiFactory;
import com.koomy.testing.OpenAiStub;
import com.koomy.testing.TestDatabase;
import io.dropwizard.util.Duration;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * The database and the OpenAI stub of the draft job's tests, one extension; before each test, a
 * {@link GenerateDraftJob} with a budget of 5 requests and 10,000 tokens a day for a community of its own; and
 * what its drafts, budgets and the stub's journal hold.
 */
final class DraftJobRig implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    static final String KEY = "sk-test-koomy-not-a-real-key";

    private final TestDatabase db = new TestDatabase();
    final WireMockExtension openAi = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    Jdbi jdbi;
    OpenAiFactory config;
    /** A community per test, so budgets never leak from one test into another. */
    UUID community;
    GenerateDraftJob job;
    /** The briefs this test asked for: they identify its provider calls. */
    private final List<String> briefs = new ArrayList<>();

    /** The database, then the stub: in this order, whatever JUnit's order of extensions. */
    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        db.beforeAll(context);
        openAi.beforeAll(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            openAi.afterAll(context);
        } finally {
            db.afterAll(context);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        openAi.afterEach(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        openAi.beforeEach(context);
        briefs.clear();
        community = UUID.randomUUID();
        jdbi = db.jdbi();
        config = new OpenAiFactory();
        config.setApiKey(KEY);
        config.setBaseUrl("http://127.0.0.1:" + openAi.getPort() + "/v1");
        config.setTimeout(Duration.seconds(5));
        config.setMaxRetries(2);
        config.setDailyRequestBudget(5);
        config.setDailyTokenBudget(10_000);
        job = new GenerateDraftJob(jdbi, config);
    }

    UUID request(String kind, String brief, String language) {
        briefs.add(brief);
        return jdbi.inTransaction(h -> new ContentDrafts(config).request(h, community, kind, brief, language));
    }

    ContentDraft find(UUID id) {
        return jdbi.withExtension(ContentDraftDao.class, dao -> dao.find(id)).orElseThrow();
    }

    long[] usage() {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT requests, tokens FROM content_budget_usage
                         WHERE community_id = :c AND day = CAST(now() AT TIME ZONE 'UTC' AS date)
                        """).bind("c", community)
                .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)}).findOne().orElse(new long[] {0, 0}));
    }

    /**
     * This test's calls only: a call of an earlier test that timed out on our side (aTimeoutIsRetryable's
     * stub answers after 6 s) reaches the stub's journal late, after the reset between tests.
     */
    int providerCalls() {
        return (int) openAi.findAll(postRequestedFor(urlEqualTo(OpenAiStub.PATH))).stream()
                .filter(r -> briefs.stream().anyMatch(b -> r.getBodyAsString().contains(b))).count();
    }

    long draftsOfCommunity() {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM content_drafts WHERE community_id = :c")
                .bind("c", community).mapTo(Long.class).one());
    }

    /** Records a day's use of the AI budget by {@code community} (or the platform), as if spent already. */
    void spent(UUID community, int requests, int tokens) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO content_budget_usage (community_id, day, requests, tokens)
                        VALUES (:c, CAST(now() AT TIME ZONE 'UTC' AS date), :requests, :tokens)
                        """).bind("c", community).bind("requests", requests).bind("tokens", tokens).execute());
    }

    long outboxRows() {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM outbox WHERE kind = 'content_draft'")
                .mapTo(Long.class).one());
    }
}
