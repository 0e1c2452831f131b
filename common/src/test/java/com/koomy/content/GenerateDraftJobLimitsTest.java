package com.koomy.content;

import com.koomy.errors.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What stops a content draft before any OpenAI call: the community's and the platform's daily budgets, a missing API key. */
class GenerateDraftJobLimitsTest {

    @RegisterExtension
    static DraftJobRig rig = new DraftJobRig();

    @Test
    void overBudgetTheJobFailsTheDraftWithoutCallingTheProvider() throws Exception {
        UUID id = rig.request("news", "Queued while the budget still had room", "en");
        rig.spent(rig.community, 5, 0);

        rig.job.generate(id); // ends normally: over budget is not retried

        ContentDraft draft = rig.find(id);
        assertThat(draft.status()).isEqualTo(ContentDraftStatus.failed);
        assertThat(draft.lastError()).contains("Daily AI budget", "5 requests");
        assertThat(rig.usage()).as("nothing reserved beyond the limit").containsExactly(5, 0);
        rig.openAi.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void overThePlatformBudgetNoCallStartsTheCommunityKeepsItsBudgetAndNewRequestsAreRefused() throws Exception {
        UUID id = rig.request("news", "Queued while the platform still had room", "en");
        // Every community of the day counts against the platform row; this budget is what it used already.
        long platformRequests = rig.jdbi.withHandle(h -> h.createQuery("""
                        SELECT coalesce(max(requests), 0) FROM content_budget_usage
                         WHERE community_id = :p AND day = CAST(now() AT TIME ZONE 'UTC' AS date)
                        """).bind("p", ContentBudgetDao.PLATFORM).mapTo(Long.class).one());
        rig.config.setPlatformDailyRequestBudget((int) Math.max(1, platformRequests));
        if (platformRequests == 0) {
            rig.spent(ContentBudgetDao.PLATFORM, 1, 0);
        }

        rig.job.generate(id); // ends normally: over budget is not retried

        ContentDraft draft = rig.find(id);
        assertThat(draft.status()).isEqualTo(ContentDraftStatus.failed);
        assertThat(draft.lastError()).contains("platform's daily AI budget");
        assertThat(rig.usage()).as("the community's reservation given back").containsExactly(0, 0);
        assertThatThrownBy(() -> rig.request("news", "One more for the platform", "en"))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.code()).isEqualTo("ai_platform_budget_exhausted"));
        assertThat(rig.draftsOfCommunity()).isEqualTo(1);
        assertThat(rig.providerCalls()).isZero();
    }

    @Test
    void overTheTokenBudgetNoCallStartsAndNewRequestsAreRefused() throws Exception {
        UUID id = rig.request("event", "Queued before the tokens ran out", "en");
        rig.spent(rig.community, 1, 10_000);

        rig.job.generate(id);
        assertThatThrownBy(() -> rig.request("event", "One more", "en"))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.code()).isEqualTo("ai_budget_exhausted"))
                .hasMessageContaining("Daily AI budget");

        assertThat(rig.find(id).status()).isEqualTo(ContentDraftStatus.failed);
        assertThat(rig.draftsOfCommunity()).isEqualTo(1);
        rig.openAi.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void withoutAnApiKeyNothingIsQueuedAndTheErrorNamesTheSetting() {
        rig.config.setApiKey("");
        long outboxBefore = rig.outboxRows();

        assertThatThrownBy(() -> rig.request("news", "Anything", "fr"))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.code()).isEqualTo("ai_not_configured"))
                .hasMessageContaining("OPENAI_API_KEY");

        assertThat(rig.draftsOfCommunity()).isZero();
        assertThat(rig.outboxRows()).isEqualTo(outboxBefore);
        rig.openAi.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aWorkerWithoutAnApiKeyFailsTheDraftNamingTheSetting() throws Exception {
        UUID id = rig.request("news", "Queued by an API that has a key", "en");
        rig.config.setApiKey(null);

        rig.job.generate(id);

        assertThat(rig.find(id).status()).isEqualTo(ContentDraftStatus.failed);
        assertThat(rig.find(id).lastError()).contains("OPENAI_API_KEY");
        rig.openAi.verify(0, anyRequestedFor(anyUrl()));
    }
}
