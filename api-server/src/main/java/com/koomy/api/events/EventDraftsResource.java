package com.koomy.api.events;

import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.api.news.NewsDraftsResource;
import com.koomy.api.news.NewsDraftsResource.DraftAccepted;
import com.koomy.api.news.NewsDraftsResource.DraftRequest;
import com.koomy.api.news.NewsDraftsResource.DraftResponse;
import com.koomy.api.ratelimit.RateLimited;
import com.koomy.events.EventDrafts;
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

import java.util.UUID;
import com.koomy.api.docs.Refusal;

/**
 * AI drafts of event descriptions (issue 5), the same contract as the news drafts
 * ({@link NewsDraftsResource}): asked here, written by the worker, polled here; untrusted text.
 */
@Path("/api")
@Tag(name = "events")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class EventDraftsResource {

    private final EventDrafts drafts;

    public EventDraftsResource(EventDrafts drafts) {
        this.drafts = drafts;
    }

    @Access(Access.Who.MANAGER)
    @POST
    @Path("/communities/{communityId}/events/drafts")
    @Timed
    @RateLimited("aiDrafts")
    @Refusal(status = 400, codes = {"invalid_brief", "invalid_language"})
    @Refusal(status = 402, codes = {"plan_limit_reached"})
    @Refusal(status = 503, codes = {"ai_not_configured"})
    @Refusal(status = 429, codes = {"ai_budget_exhausted", "ai_platform_budget_exhausted"})
    @Refusal(status = 403, codes = {"not_in_plan"})
    @Operation(operationId = "draftEvent", summary = "Ask for an AI draft of an event description", description = "Owners and admins. 202 "
            + "{draftId, status: queued}; poll GET .../events/drafts/{draftId}. language fr|en, default the community's "
            + "locale. 400 bad brief (1-2000 characters) or language, or unknown field; 403 other members; 404 not a "
            + "member; " + NewsDraftsResource.DRAFT_REFUSALS)
    @ApiResponse(responseCode = "202", description = "The draft is queued", content = @Content(mediaType = "application/json", schema = @Schema(implementation = DraftAccepted.class)))
    public Response request(@PathParam("communityId") UUID communityId, @Valid @NotNull DraftRequest r,
                            @Context SecurityContext context) {
        UUID caller = CurrentAccount.require(context).accountId();
        UUID id = drafts.request(communityId, caller, r.brief(), r.language());
        return NewsDraftsResource.queued(id);
    }

    @Access(Access.Who.MANAGER)
    @GET
    @Path("/communities/{communityId}/events/drafts/{draftId}")
    @Timed
    @Refusal(status = 404, codes = {"draft_not_found"})
    @Operation(operationId = "getEventDraft", summary = "An AI draft of an event description", description = "Owners and admins. 200 {draftId, status "
            + "(queued, running, done, failed), language, resultText (untrusted Markdown), model, usage, error, createdAt, "
            + "finishedAt}; 403 other members; 404 not a member, or draft_not_found (unknown, another community's, a news "
            + "draft).")
    public DraftResponse get(@PathParam("communityId") UUID communityId, @PathParam("draftId") UUID draftId,
                             @Context SecurityContext context) {
        return DraftResponse.of(drafts.find(communityId, CurrentAccount.require(context).accountId(), draftId));
    }
}
