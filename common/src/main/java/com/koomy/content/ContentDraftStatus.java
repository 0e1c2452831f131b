package com.koomy.content;

/** Where a draft stands. Values match the CHECK constraint of {@code content_drafts}. */
public enum ContentDraftStatus {
    /** Waiting for its job, or for a retry after a 429, a 5xx or a timeout ({@code last_error} says which). */
    queued,
    /** An attempt is calling the provider ({@code started_at}). */
    running,
    /** The text is in {@code result_text}, with model, token usage and duration. */
    done,
    /** Given up: over budget, refused by the provider, or retries exhausted; {@code last_error} says why. */
    failed
}
