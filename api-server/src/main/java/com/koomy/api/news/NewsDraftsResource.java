package com.koomy.api.news;

import jakarta.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.api.ratelimit.RateLimited;
import com.koomy.content.ContentDraft;
import com.koomy.news.NewsDrafts;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.time.Instant;
import java.util.UUID;
import com.koomy.api.docs.Refusal;

/**
 * AI drafts of news posts (issue 4): asked here, written by the worker (content pipeline), polled
 * here. The text is untrusted provider output, returned only as a JSON string. Rooted at {@code /api}
 * like the other community resources.
 */
@Path("/api")
@Tag(name = "news")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class NewsDraftsResource {

    private final NewsDrafts drafts;

    public NewsDraftsResource(NewsDrafts drafts) {
        this.drafts = drafts;
    }

    /** Brief and language are checked by ContentDrafts, the one place that knows their rules. */
    /** brief is required; its length and blankness, and the language (fr|en), are ContentDrafts' (invalid_brief, invalid_language). */
    public record DraftRequest(@NotNull String brief, String language) {
    }

    /** The refusals of a draft request after the caller's own (news and event drafts alike). */
    public static final String DRAFT_REFUSALS = "429 rate limit, ai_budget_exhausted (the community's daily AI budget) or ai_platform_budget_exhausted (the platform's, all communities together); 503 OPENAI_API_KEY not set (nothing stored). 402 plan_limit_reached when the plan's limit is reached.";

    public record DraftAccepted(UUID draftId, String status) {
    }

    /** 202 with the queued draft's id: the answer to a draft request (news and event drafts alike). */
    public static Response queued(UUID draftId) {
        return Response.status(202).entity(new DraftAccepted(draftId, "queued")).build();
    }

    public record Usage(Integer promptTokens, Integer completionTokens, Integer totalTokens) {
    }

    public record DraftResponse(UUID draftId, String status, String language, @Nullable String resultText, @Nullable String model,
                                @Nullable Usage usage, @Nullable String error, Instant createdAt, @Nullable Instant finishedAt) {
        public static DraftResponse of(ContentDraft d) {
            Usage usage = d.totalTokens() == null ? null
                    : new Usage(d.promptTokens(), d.completionTokens(), d.totalTokens());
            return new DraftResponse(d.id(), d.status().name(), d.language().name(), d.resultText(), d.model(), usage,
                    d.lastError(), d.createdAt(), d.finishedAt());
        }
    }

    @Access(Access.Who.MANAGER)
    @POST
    @Path("/communities/{communityId}/news/drafts")
    @Timed
    @RateLimited("aiDrafts")
    @Refusal(status = 400, codes = {"invalid_brief", "invalid_language"})
    @Refusal(status = 402, codes = {"plan_limit_reached"})
    @Refusal(status = 429, codes = {"ai_budget_exhausted", "ai_platform_budget_exhausted"})
    @Refusal(status = 503, codes = {"ai_not_configured"})
    @Refusal(status = 403, codes = {"not_in_plan"})
    @Operation(operationId = "draftNews", summary = "Ask for an AI draft of a news post", description = "Owners and admins. 202 {draftId, "
            + "status: queued}; poll GET .../news/drafts/{draftId}. language fr|en, default the community's locale. "
            + "400 bad brief (1-2000 characters) or language, or unknown field; 403 other members; 404 not a member; "
            + DRAFT_REFUSALS)
    @ApiResponse(responseCode = "202", description = "The draft is queued", content = @Content(mediaType = "application/json", schema = @Schema(implementation = DraftAccepted.class)))
    public Response request(@PathParam("communityId") UUID communityId, @Valid @NotNull DraftRequest r,
                            @Context SecurityContext context) {
        UUID caller = CurrentAccount.require(context).accountId();
        UUID id = drafts.request(communityId, caller, r.brief(), r.language());
        return queued(id);
    }

    @Access(Access.Who.MANAGER)
    @GET
    @Path("/communities/{communityId}/news/drafts/{draftId}")
    @Timed
    @Refusal(status = 404, codes = {"draft_not_found"})
    @Operation(operationId = "getNewsDraft", summary = "An AI draft", description = "Owners and admins. 200 {draftId, status (queued, running, done, "
            + "failed), language, resultText (untrusted Markdown), model, usage, error, createdAt, finishedAt}; 403 "
            + "other members; 404 not a member, or draft_not_found (unknown, or another community's).")
    public DraftResponse get(@PathParam("communityId") UUID communityId, @PathParam("draftId") UUID draftId,
                             @Context SecurityContext context) {
        return DraftResponse.of(drafts.find(communityId, CurrentAccount.require(context).accountId(), draftId));
    }
}
