package com.koomy.content;

import com.koomy.config.OpenAiFactory;
import com.koomy.errors.ApiException;
import com.koomy.jobs.OutboxDao;
import org.jdbi.v3.core.Handle;

import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;

/**
 * Asks for an AI draft: validates the request, stores the draft {@code queued} and puts its
 * generation in the outbox, both through the caller's handle (hence in the caller's transaction).
 * Never calls the provider: {@link GenerateDraftJob} does, in the worker.
 */
public class ContentDrafts {

    private final OpenAiFactory openAi;

    public ContentDrafts(OpenAiFactory openAi) {
        this.openAi = openAi;
    }

    /**
     * Returns the new draft's id. Throws {@link ApiException}, with nothing written: 503 {@code ai_not_configured}
     * when OPENAI_API_KEY is not set; 400 {@code invalid_kind} (not news|event), {@code invalid_language} (not
     * fr|en), {@code invalid_brief} (empty or longer than {@value ContentDraft#MAX_BRIEF_LENGTH} characters);
     * 429 {@code ai_budget_exhausted} / {@code ai_platform_budget_exhausted} when today's budget of the
     * community, or the platform's (all communities together), is already used up.
     */
    public UUID request(Handle handle, UUID communityId, String kind, String brief, String language) {
        if (!openAi.isConfigured()) {
            throw ContentDrafts.notConfigured();
        }
        ContentDraft.Kind draftKind = parse(ContentDraft.Kind.class, kind, "invalid_kind", "kind");
        ContentDraft.Language draftLanguage = parse(ContentDraft.Language.class, language,
                "invalid_language", "language");
        String cleanBrief = brief == null ? "" : brief.strip();
        if (cleanBrief.isEmpty()) {
            throw ApiException.invalidField("invalid_brief", "brief", "must not be empty");
        }
        // Characters as PostgreSQL's char_length counts them (code points), like the table's CHECK.
        int length = cleanBrief.codePointCount(0, cleanBrief.length());
        if (length > ContentDraft.MAX_BRIEF_LENGTH) {
            throw ApiException.invalidField("invalid_brief", "brief",
                    "must have at most " + ContentDraft.MAX_BRIEF_LENGTH + " characters (it has " + length + ")");
        }
        if (cleanBrief.indexOf('\u0000') >= 0) {
            throw ApiException.invalidField("invalid_brief", "brief", "must not contain the character U+0000");
        }
        if (handle.attach(ContentBudgetDao.class)
                .isUsedUp(communityId, openAi.getDailyRequestBudget(), openAi.getDailyTokenBudget())) {
            throw ContentDrafts.overBudget(openAi.getDailyRequestBudget(), openAi.getDailyTokenBudget());
        }
        if (handle.attach(ContentBudgetDao.class).isUsedUp(ContentBudgetDao.PLATFORM,
                openAi.getPlatformDailyRequestBudget(), openAi.getPlatformDailyTokenBudget())) {
            throw ContentDrafts.platformOverBudget();
        }
        UUID id = UUID.randomUUID();
        handle.attach(ContentDraftDao.class).insert(id, communityId, draftKind.name(), draftLanguage.name(), cleanBrief);
        handle.attach(OutboxDao.class).add(ContentDraft.OUTBOX_KIND, id.toString());
        return id;
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String code, String field) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(value)) {
                return constant;
            }
        }
        throw ApiException.invalidField(code, field, "must be one of " + Arrays.stream(type.getEnumConstants())
                .map(Object::toString).collect(java.util.stream.Collectors.joining(", ")));
    }

    /** 503 {@code ai_not_configured}: AI drafts are off in this process. */
    public static ApiException notConfigured() {
        return new ApiException(503, "ai_not_configured",
                "AI drafts are disabled: OPENAI_API_KEY is not set (openai.apiKey in the configuration)");
    }

    /** 429 {@code ai_platform_budget_exhausted}. */
    public static ApiException platformOverBudget() {
        return new ApiException(429, "ai_platform_budget_exhausted",
                "The platform's daily AI budget (all communities together) is used up; try again tomorrow");
    }

    /** 429 {@code ai_budget_exhausted}. */
    public static ApiException overBudget(int requests, long tokens) {
        return new ApiException(429, "ai_budget_exhausted", "Daily AI budget of this community is used up ("
                + requests + " requests, " + tokens + " tokens per UTC day); try again tomorrow");
    }
}
