package com.koomy.content;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.koomy.testing.OpenAiStub;
import io.dropwizard.util.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The OpenAI call of a content draft: what a success records, which failures are retried, and that a draft is asked for once. */
class GenerateDraftJobTest {

    @RegisterExtension
    static DraftJobRig rig = new DraftJobRig();

    @Test
    void successRecordsTextModelUsageAndDuration() throws Exception {
        rig.openAi.stubFor(post(OpenAiStub.PATH).willReturn(
                OpenAiStub.completion("## Vide-grenier du 14 juin\n\nVenez nombreux !", 212, 87)));
        UUID id = rig.request("event", "Vide-grenier le 14 juin sur la place du village, 8h-18h", "fr");

        rig.job.generate(id);

        ContentDraft draft = rig.find(id);
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
        assertThat(rig.usage()).containsExactly(1, 299);
        rig.openAi.verify(1, postRequestedFor(urlEqualTo(OpenAiStub.PATH))
                .withHeader("Authorization", equalTo("Bearer " + DraftJobRig.KEY))
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
        rig.openAi.stubFor(post(OpenAiStub.PATH).inScenario("rate limit").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(OpenAiStub.rateLimited()).willSetStateTo("recovered"));
        rig.openAi.stubFor(post(OpenAiStub.PATH).inScenario("rate limit").whenScenarioStateIs("recovered")
                .willReturn(OpenAiStub.completion("Our AGM is on 3 March.", 150, 40)));
        UUID id = rig.request("news", "Annual general meeting on 3 March", "en");

        assertThatThrownBy(() -> rig.job.generate(id))
                .isInstanceOfSatisfying(ProviderCallException.class, e -> assertThat(e.retryable()).isTrue());
        ContentDraft afterFirst = rig.find(id);
        assertThat(afterFirst.status()).isEqualTo(ContentDraftStatus.queued);
        assertThat(afterFirst.attempts()).isEqualTo(1);
        assertThat(afterFirst.lastError()).contains("HTTP 429", "retry-after 20", "x-ratelimit-reset-requests 20s",
                "x-ratelimit-reset-tokens 6ms");

        rig.job.generate(id);

        ContentDraft draft = rig.find(id);
        assertThat(draft.status()).isEqualTo(ContentDraftStatus.done);
        assertThat(draft.resultText()).isEqualTo("Our AGM is on 3 March.");
        assertThat(draft.attempts()).isEqualTo(2);
        assertThat(draft.lastError()).isNull();
        assertThat(rig.providerCalls()).isEqualTo(2);
        assertThat(rig.usage()).as("both calls count as requests, only the answered one has tokens").containsExactly(2, 190);
    }

    @Test
    void serverErrorsUntilRetriesRunOutFailTheDraftWithTheLastError() {
        rig.openAi.stubFor(post(OpenAiStub.PATH).willReturn(OpenAiStub.serverError()));
        UUID id = rig.request("news", "New opening hours of the club house", "en");

        for (int attempt = 1; attempt <= 3; attempt++) { // first attempt + maxRetries (2)
            assertThatThrownBy(() -> rig.job.generate(id)).isInstanceOf(ProviderCallException.class);
            assertThat(rig.find(id).attempts()).isEqualTo(attempt);
            assertThat(rig.find(id).status()).isEqualTo(attempt < 3 ? ContentDraftStatus.queued : ContentDraftStatus.failed);
        }

        ContentDraft draft = rig.find(id);
        assertThat(draft.lastError()).contains("HTTP 500", "The server had an error");
        assertThat(draft.resultText()).isNull();
        assertThat(draft.finishedAt()).isNotNull();
        assertThat(rig.providerCalls()).isEqualTo(3);
    }

    @Test
    void anotherClientErrorFailsAtOnceWithoutRetry() throws Exception {
        rig.openAi.stubFor(post(OpenAiStub.PATH).willReturn(OpenAiStub.badRequest()));
        UUID id = rig.request("news", "Results of the spring tournament", "en");

        rig.job.generate(id); // ends normally: JobRunr must not retry it
        rig.job.generate(id);

        ContentDraft draft = rig.find(id);
        assertThat(draft.status()).isEqualTo(ContentDraftStatus.failed);
        assertThat(draft.attempts()).isEqualTo(1);
        assertThat(draft.lastError()).contains("HTTP 400", "max_completion_tokens");
        assertThat(rig.providerCalls()).isEqualTo(1);
    }

    @Test
    void aTimeoutIsRetryable() {
        rig.config.setTimeout(Duration.milliseconds(500));
        rig.job = new GenerateDraftJob(rig.jdbi, rig.config);
        rig.openAi.stubFor(post(OpenAiStub.PATH).willReturn(OpenAiStub.completion("too late", 10, 10).withFixedDelay(6_000)));
        UUID id = rig.request("news", "Slow provider", "en");

        assertThatThrownBy(() -> rig.job.generate(id))
                .isInstanceOfSatisfying(ProviderCallException.class, e -> assertThat(e.retryable()).isTrue());

        ContentDraft draft = rig.find(id);
        assertThat(draft.status()).isEqualTo(ContentDraftStatus.queued);
        assertThat(draft.lastError()).contains("too slow");
        // Well under the stub's delay; not tighter, as the first call in this JVM also loads the SDK.
        assertThat(draft.durationMs()).isLessThan(5_000);
    }

    @Test
    void aDuplicateRunDoesNotAskAgain() throws Exception {
        rig.openAi.stubFor(post(OpenAiStub.PATH).willReturn(OpenAiStub.completion("Draft", 30, 20)));
        UUID id = rig.request("news", "Twice-relayed draft", "en");

        rig.job.generate(id);
        rig.job.generate(id);
        rig.job.run(new GenerateDraft(id));

        assertThat(rig.find(id).status()).isEqualTo(ContentDraftStatus.done);
        assertThat(rig.find(id).attempts()).isEqualTo(1);
        assertThat(rig.providerCalls()).isEqualTo(1);
        assertThat(rig.usage()).containsExactly(1, 50);
    }

    @Test
    void aDraftThatIsNotStoredFailsLoudly() {
        UUID missing = UUID.randomUUID();
        assertThatThrownBy(() -> rig.job.generate(missing))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(missing.toString());
    }
}
