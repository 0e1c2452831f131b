package com.koomy.content;

/**
 * A draft that will not be requested or generated, and why. The HTTP layer (news and events issues)
 * maps {@link #reason()} to a status: 503 for {@code NOT_CONFIGURED}, 429 for {@code OVER_BUDGET} and
 * {@code PLATFORM_OVER_BUDGET},
 * 400 otherwise.
 */
public class ContentDraftRefusedException extends RuntimeException {

    public enum Reason { NOT_CONFIGURED, INVALID_KIND, INVALID_LANGUAGE, INVALID_BRIEF, OVER_BUDGET, PLATFORM_OVER_BUDGET }

    private final Reason reason;

    public ContentDraftRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    static ContentDraftRefusedException notConfigured() {
        return new ContentDraftRefusedException(Reason.NOT_CONFIGURED,
                "AI drafts are disabled: OPENAI_API_KEY is not set (openai.apiKey in the configuration)");
    }

    static ContentDraftRefusedException platformOverBudget() {
        return new ContentDraftRefusedException(Reason.PLATFORM_OVER_BUDGET,
                "The platform's daily AI budget (all communities together) is used up; try again tomorrow");
    }

    static ContentDraftRefusedException overBudget(int requests, long tokens) {
        return new ContentDraftRefusedException(Reason.OVER_BUDGET, "Daily AI budget of this community is used up ("
                + requests + " requests, " + tokens + " tokens per UTC day); try again tomorrow");
    }
}
