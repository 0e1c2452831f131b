package com.koomy.worker.content;

import com.koomy.config.OpenAiFactory;
import com.koomy.content.ContentDraft;
import com.koomy.content.GenerateDraft;
import com.koomy.content.GenerateDraftJob;
import com.koomy.worker.jobs.OutboxRoutes;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.scheduling.JobBuilder;

import java.util.Map;
import java.util.UUID;

/** AI drafts of news posts and events (issue 4): one job per requested draft, calling OpenAI. */
public final class ContentWorker {

    private final OpenAiFactory openai;
    private final GenerateDraftJob generateDraft;

    public ContentWorker(Jdbi jdbi, OpenAiFactory openai) {
        this.openai = openai;
        this.generateDraft = new GenerateDraftJob(jdbi, openai);
    }

    public Map<Class<?>, Object> jobs() {
        return Map.of(GenerateDraftJob.class, generateDraft);
    }

    public void routes(OutboxRoutes routes) {
        // Same retry count as the draft's own, so JobRunr and the draft give up together.
        routes.route(ContentDraft.OUTBOX_KIND, draftId -> JobBuilder.aJob()
                .withName("Generate AI draft " + draftId)
                .withAmountOfRetries(openai.getMaxRetries())
                .withJobRequest(new GenerateDraft(UUID.fromString(draftId))));
    }
}
