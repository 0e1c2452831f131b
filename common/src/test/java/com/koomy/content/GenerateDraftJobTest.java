package com.koomy.content;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.koomy.config.OpenAiFactory;
import com.koomy.errors.ApiException;
import com.koomy.testing.OpenAiStub;
import com.koomy.testing.TestDatabase;
import io.dropwizard.util.Duration;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GenerateDraftJobTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static WireMockExtension openAi = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final String KEY = "sk-test-koomy-not-a-real-key";

    private Jdbi jdbi;
    private OpenAiFactory config;
    private GenerateDraftJob job;
    /** The briefs this test asked for: they identify its provider calls. */
    private final java.util.List<String> briefs = new java.util.ArrayList<>();
    /** A community per test, so budgets never leak from one test into another. */
    private UUID community;

    @BeforeEach
    void setUp() {
        jdbi = db.jdbi();
        config = new OpenAiFactory();
        config.setApiKey(KEY);
        config.setBaseUrl("http://127.0.0.1:" + openAi.getPort() + "/v1");
        config.setTimeout(Duration.seconds(5));
        config.setMaxRetries(2);
        config.setDailyRequestBudget(5);
        config.setDailyTokenBudget(10_000);
        job = new GenerateDraftJob(jdbi, config);
        community = UUID.randomUUID();
    }

    private UUID request(String kind, String brief, String language) {
        briefs.add(brief);
        return jdbi.inTransaction(h -> new ContentDrafts(config).request(h, community, kind, brief, language));
    }

    private ContentDraft find(UUID id) {
        return jdbi.withExtension(ContentDraftDao.class, dao -> dao.find(id)).orElseThrow();
    }

    private long[] usage() {
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
    private int providerCalls() {
        return (int) openAi.findAll(postRequestedFor(urlEqualTo(OpenAiStub.PATH))).stream()
                .filter(r -> briefs.stream().anyMatch(b -> r.getBodyAsString().contains(b))).count();
    }

    @Test
    void successRecordsTextModelUsageAndDuration() throws Exception {
        openAi.stubFor(post(OpenAiStub.PATH).willReturn(
                OpenAiStub.completion("## Vide-grenier du 14 juin\n\nVenez nombreux !", 212, 87)));
        UUID id = request("event", "Vide-grenier le 14 juin sur la place du village, 8h-18h", "fr");

        job.generate(id);

        ContentDraft draft = find(id);
        assertThat(draft.status()).isEqualTo(ContentDraftStatus.done);
        assertThat(draft.resultText()).isEqualTo("## Vide-grenier du 14 juin\n\nVenez nombreux !");
        assertThat(draft.model()).isEqualTo(OpenAiStub.MODEL);
        assertThat(draft.promptTokens()).isEqualTo(212);
        assertThat(draft.completionTokens()).isEqualTo(87);
        assertThat(draft.totalTokens()).isEqualTo(299);
        assertThat(draft.durationMs()).isNotNull().isGreaterThanOrEqualTo(0);
        assertThat(draft.attempts()).isEqualTo(1);
        assertThat(draft.lastError()).isNull();
        assertThat(draft.finishedAt()).isNotNull();
        assertThat(usage()).containsExactly(1, 299);
        openAi.verify(1, postRequestedFor(urlEqualTo(OpenAiStub.PATH))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4o-mini")))
                .withRequestBody(matchingJsonPath("$.messages[0].role", equalTo("system")))
                .withRequestBody(matchingJsonPath("$.messages[0].content", containing("an event description")))
                .withRequestBody(matchingJsonPath("$.messages[0].content", containing("in French")))
                .withRequestBody(matchingJsonPath("$.messages[1].role", equalTo("user")))
                .withRequestBody(matchingJsonPath("$.messages[1].content",
                        containing("<brief>\nVide-grenier le 14 juin sur la place du village, 8h-18h\n</brief>"))));
    }

    @Test
    void aRateLimitIsRetriedAndTheRetrySucceeds() throws Exception {
        openAi.stubFor(post(OpenAiStub.PATH).inScenario("rate limit").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(OpenAiStub.rateLimited()).willSetStateTo("recovered"));
        openAi.stubFor(post(OpenAiStub.PATH).inScenario("rate limit").whenScenarioStateIs("recovered")
                .willReturn(OpenAiStub.completion("Our AGM is on 3 March.", 150, 40)));
        UUID id = request("news", "Annual general meeting on 3 March", "en");

        assertThatThrownBy(() -> job.generate(id))
                .isInstanceOfSatisfying(ProviderCallException.class, e -> assertThat(e.retryable()).isTrue());
        ContentDraft afterFirst = find(id);
        assertThat(afterFirst.status()).isEqualTo(ContentDraftStatus.queued);
        assertThat(afterFirst.attempts()).isEqualTo(1);
        assertThat(afterFirst.lastError()).contains("HTTP 429", "retry-after 20", "x-ratelimit-reset-requests 20s",
                "x-ratelimit-reset-tokens 6ms");

        job.generate(id);

        ContentDraft draft = find(id);
        assertThat(draft.status()).isEqualTo(ContentDraftStatus.done);
        assertThat(draft.resultText()).isEqualTo("Our AGM is on 3 March.");
        assertThat(draft.attempts()).isEqualTo(2);
        assertThat(draft.lastError()).isNull();
        assertThat(providerCalls()).isEqualTo(2);
        assertThat(usage()).as("both calls count as requests, only the answered one has tokens").containsExactly(2, 190);
    }

    @Test
    void serverErrorsUntilRetriesRunOutFailTheDraftWithTheLastError() {
        openAi.stubFor(post(OpenAiStub.PATH).willReturn(OpenAiStub.serverError()));
        UUID id = request("news", "New opening hours of the club house", "en");

        for (int attempt = 1; attempt <= 3; attempt++) { // first attempt + maxRetries (2)
            assertThatThrownBy(() -> job.generate(id)).isInstanceOf(ProviderCallException.class);
            assertThat(find(id).attempts()).isEqualTo(attempt);
            assertThat(find(id).status()).isEqualTo(attempt < 3 ? ContentDraftStatus.queued : ContentDraftStatus.failed);
        }

        ContentDraft draft = find(id);
        assertThat(draft.lastError()).contains("HTTP 500", "The server had an error");
        assertThat(draft.resultText()).isNull();
        assertThat(draft.finishedAt()).isNotNull();
        assertThat(providerCalls()).isEqualTo(3);
    }

    @Test
    void anotherClientErrorFailsAtOnceWithoutRetry() throws Exception {
        openAi.stubFor(post(OpenAiStub.PATH).willReturn(OpenAiStub.badRequest()));
        UUID id = request("news", "Results of the spring tournament", "en");

        job.generate(id); // ends normally: JobRunr must not retry it
        job.generate(id);

        ContentDraft draft = find(id);
        assertThat(draft.status()).isEqualTo(ContentDraftStatus.failed);
        assertThat(draft.attempts()).isEqualTo(1);
        assertThat(draft.lastError()).contains("HTTP 400", "max_completion_tokens");
        assertThat(providerCalls()).isEqualTo(1);
    }

    @Test
    void aTimeoutIsRetryable() {
        config.setTimeout(Duration.milliseconds(500));
        job = new GenerateDraftJob(jdbi, config);
        openAi.stubFor(post(OpenAiStub.PATH).willReturn(OpenAiStub.completion("too late", 10, 10).withFixedDelay(6_000)));
        UUID id = request("news", "Slow provider", "en");

        assertThatThrownBy(() -> job.generate(id))
                .isInstanceOfSatisfying(ProviderCallException.class, e -> assertThat(e.retryable()).isTrue());

        ContentDraft draft = find(id);
        assertThat(draft.status()).isEqualTo(ContentDraftStatus.queued);
        assertThat(draft.lastError()).contains("too slow");
        // Well under the stub's delay; not tighter, as the first call in this JVM also loads the SDK.
        assertThat(draft.durationMs()).isLessThan(5_000);
    }

    @Test
    void overBudgetTheJobFailsTheDraftWithoutCallingTheProvider() throws Exception {
        UUID id = request("news", "Queued while the budget still had room", "en");
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO content_budget_usage (community_id, day, requests, tokens)
                        VALUES (:c, CAST(now() AT TIME ZONE 'UTC' AS date), 5, 0)
                        """).bind("c", community).execute());

        job.generate(id); // ends normally: over budget is not retried

        ContentDraft draft = find(id);
        assertThat(draft.status()).isEqualTo(ContentDraftStatus.failed);
        assertThat(draft.lastError()).contains("Daily AI budget", "5 requests");
        assertThat(usage()).as("nothing reserved beyond the limit").containsExactly(5, 0);
        openAi.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void overThePlatformBudgetNoCallStartsTheCommunityKeepsItsBudgetAndNewRequestsAreRefused() throws Exception {
        UUID id = request("news", "Queued while the platform still had room", "en");
        // Every community of the day counts against the platform row; this budget is what it used already.
        long platformRequests = jdbi.withHandle(h -> h.createQuery("""
                        SELECT coalesce(max(requests), 0) FROM content_budget_usage
                         WHERE community_id = :p AND day = CAST(now() AT TIME ZONE 'UTC' AS date)
                        """).bind("p", ContentBudgetDao.PLATFORM).mapTo(Long.class).one());
        config.setPlatformDailyRequestBudget((int) Math.max(1, platformRequests));
        if (platformRequests == 0) {
            jdbi.useHandle(h -> h.createUpdate("""
                            INSERT INTO content_budget_usage (community_id, day, requests, tokens)
                            VALUES (:p, CAST(now() AT TIME ZONE 'UTC' AS date), 1, 0)
                            """).bind("p", ContentBudgetDao.PLATFORM).execute());
        }

        job.generate(id); // ends normally: over budget is not retried

        ContentDraft draft = find(id);
        assertThat(draft.status()).isEqualTo(ContentDraftStatus.failed);
        assertThat(draft.lastError()).contains("platform's daily AI budget");
        assertThat(usage()).as("the community's reservation given back").containsExactly(0, 0);
        assertThatThrownBy(() -> request("news", "One more for the platform", "en"))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.code()).isEqualTo("ai_platform_budget_exhausted"));
        assertThat(draftsOfCommunity()).isEqualTo(1);
        assertThat(providerCalls()).isZero();
    }

    @Test
    void overTheTokenBudgetNoCallStartsAndNewRequestsAreRefused() throws Exception {
        UUID id = request("event", "Queued before the tokens ran out", "en");
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO content_budget_usage (community_id, day, requests, tokens)
                        VALUES (:c, CAST(now() AT TIME ZONE 'UTC' AS date), 1, 10000)
                        """).bind("c", community).execute());

        job.generate(id);
        assertThatThrownBy(() -> request("event", "One more", "en"))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.code()).isEqualTo("ai_budget_exhausted"))
                .hasMessageContaining("Daily AI budget");

        assertThat(find(id).status()).isEqualTo(ContentDraftStatus.failed);
        assertThat(draftsOfCommunity()).isEqualTo(1);
        openAi.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void withoutAnApiKeyNothingIsQueuedAndTheErrorNamesTheSetting() {
        config.setApiKey("");
        long outboxBefore = outboxRows();

        assertThatThrownBy(() -> request("news", "Anything", "fr"))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.code()).isEqualTo("ai_not_configured"))
                .hasMessageContaining("OPENAI_API_KEY");

        assertThat(draftsOfCommunity()).isZero();
        assertThat(outboxRows()).isEqualTo(outboxBefore);
        openAi.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aWorkerWithoutAnApiKeyFailsTheDraftNamingTheSetting() throws Exception {
        UUID id = request("news", "Queued by an API that has a key", "en");
        config.setApiKey(null);

        job.generate(id);

        assertThat(find(id).status()).isEqualTo(ContentDraftStatus.failed);
        assertThat(find(id).lastError()).contains("OPENAI_API_KEY");
        openAi.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aDuplicateRunDoesNotAskAgain() throws Exception {
        openAi.stubFor(post(OpenAiStub.PATH).willReturn(OpenAiStub.completion("Draft", 30, 20)));
        UUID id = request("news", "Twice-relayed draft", "en");

        job.generate(id);
        job.generate(id);
        job.run(new GenerateDraft(id));

        assertThat(find(id).status()).isEqualTo(ContentDraftStatus.done);
        assertThat(find(id).attempts()).isEqualTo(1);
        assertThat(providerCalls()).isEqualTo(1);
        assertThat(usage()).containsExactly(1, 50);
    }

    @Test
    void aDraftThatIsNotStoredFailsLoudly() {
        UUID missing = UUID.randomUUID();
        assertThatThrownBy(() -> job.generate(missing))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(missing.toString());
    }

    private long draftsOfCommunity() {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM content_drafts WHERE community_id = :c")
                .bind("c", community).mapTo(Long.class).one());
    }

    private long outboxRows() {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM outbox WHERE kind = 'content_draft'")
                .mapTo(Long.class).one());
    }
}
