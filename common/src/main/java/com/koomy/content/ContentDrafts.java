package com.koomy.content;

import com.koomy.config.OpenAiFactory;
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
     * Returns the new draft's id. Throws {@link ContentDraftRefusedException}, with nothing written,
     * when OPENAI_API_KEY is not set, the kind is not news|event, the language not fr|en, the brief
     * empty or longer than {@value ContentDraft#MAX_BRIEF_LENGTH} characters, or today's budget of the
     * community, or the platform's (all communities together), is already used up.
     */
    public UUID request(Handle handle, UUID communityId, String kind, String brief, String language) {
        if (!openAi.isConfigured()) {
            throw ContentDraftRefusedException.notConfigured();
        }
        ContentDraft.Kind draftKind = parse(ContentDraft.Kind.class, kind, ContentDraftRefusedException.Reason.INVALID_KIND);
        ContentDraft.Language draftLanguage = parse(ContentDraft.Language.class, language,
                ContentDraftRefusedException.Reason.INVALID_LANGUAGE);
        String cleanBrief = brief == null ? "" : brief.strip();
        if (cleanBrief.isEmpty()) {
            throw new ContentDraftRefusedException(ContentDraftRefusedException.Reason.INVALID_BRIEF, "The brief is empty");
        }
        // Characters as PostgreSQL's char_length counts them (code points), like the table's CHECK.
        int length = cleanBrief.codePointCount(0, cleanBrief.length());
        if (length > ContentDraft.MAX_BRIEF_LENGTH) {
            throw new ContentDraftRefusedException(ContentDraftRefusedException.Reason.INVALID_BRIEF,
                    "The brief is " + length + " characters long; at most " + ContentDraft.MAX_BRIEF_LENGTH);
        }
        if (cleanBrief.indexOf('\u0000') >= 0) {
            throw new ContentDraftRefusedException(ContentDraftRefusedException.Reason.INVALID_BRIEF,
                    "The brief contains a NUL character");
        }
        if (handle.attach(ContentBudgetDao.class)
                .isUsedUp(communityId, openAi.getDailyRequestBudget(), openAi.getDailyTokenBudget())) {
            throw ContentDraftRefusedException.overBudget(openAi.getDailyRequestBudget(), openAi.getDailyTokenBudget());
        }
        if (handle.attach(ContentBudgetDao.class).isUsedUp(ContentBudgetDao.PLATFORM,
                openAi.getPlatformDailyRequestBudget(), openAi.getPlatformDailyTokenBudget())) {
            throw ContentDraftRefusedException.platformOverBudget();
        }
        UUID id = UUID.randomUUID();
        handle.attach(ContentDraftDao.class).insert(id, communityId, draftKind.name(), draftLanguage.name(), cleanBrief);
        handle.attach(OutboxDao.class).add(ContentDraft.OUTBOX_KIND, id.toString());
        return id;
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, ContentDraftRefusedException.Reason reason) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(value)) {
                return constant;
            }
        }
        throw new ContentDraftRefusedException(reason, "Unknown " + type.getSimpleName().toLowerCase(Locale.ROOT) + " '" + value
                + "'; expected one of " + Arrays.toString(type.getEnumConstants()));
    }
}
