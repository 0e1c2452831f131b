package com.koomy.content;

import java.time.Instant;
import java.util.UUID;

/**
 * An AI draft as stored. {@code resultText} is untrusted provider output: plain text/Markdown to be
 * escaped wherever it is shown, never executed and never fetched as a URL.
 */
public record ContentDraft(
        UUID id,
        UUID communityId,
        Kind kind,
        Language language,
        String brief,
        ContentDraftStatus status,
        String resultText,
        String model,
        Integer promptTokens,
        Integer completionTokens,
        Integer totalTokens,
        Integer durationMs,
        int attempts,
        String lastError,
        Instant createdAt,
        Instant startedAt,
        Instant updatedAt,
        Instant finishedAt) {

    public static final String OUTBOX_KIND = "content_draft";
    public static final int MAX_BRIEF_LENGTH = 2000;

    /** What to write. Values match the CHECK constraint of {@code content_drafts.kind}. */
    public enum Kind { news, event }

    /** The community's language. Values match the CHECK constraint of {@code content_drafts.language}. */
    public enum Language { fr, en }
}
