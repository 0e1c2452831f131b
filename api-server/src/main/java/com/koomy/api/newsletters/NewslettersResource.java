package com.koomy.api.newsletters;

import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.api.auth.Access;
import com.koomy.api.http.ListParams;
import com.koomy.db.KeysetCursor;
import com.koomy.db.Page;
import com.koomy.errors.ApiException;
import com.koomy.newsletters.CommunityNewsletters;
import com.koomy.newsletters.NewsletterDraft;
import com.koomy.newsletters.NewsletterPreview;
import com.koomy.newsletters.NewsletterView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.extensions.Extension;
import io.swagger.v3.oas.annotations.extensions.ExtensionProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import com.koomy.api.docs.Refusal;

/**
 * Newsletters (issue 20): a community's owners and admins write, preview, test, send or schedule and
 * cancel them; the worker sends them. The role is decided by {@link CommunityNewsletters} on the
 * membership row, in the transaction that acts.
 */
@Path("/api/communities/{communityId}/newsletters")
@Tag(name = "newsletters")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class NewslettersResource {

    static final String SEGMENTS = "all|dues_paid|dues_overdue|event|admins";
    /** PostgreSQL text cannot hold NUL. */
    static final String TEXT = "[^\\x00]*";

    private final CommunityNewsletters newsletters;

    public NewslettersResource(CommunityNewsletters newsletters) {
        this.newsletters = newsletters;
    }

    /** subject and body are required unless newsPostId is given: OpenAPI 3.0 says so in words and in an extension. */
    @Schema(description = "A newsletter draft. subject and body are required unless newsPostId is given, whose title and "
            + "body they then default to (x-koomy-required-unless: property, the property whose presence lifts it).",
            extensions = @Extension(name = "x-koomy-required-unless", properties = {
                    @ExtensionProperty(name = "subject", value = "newsPostId"),
                    @ExtensionProperty(name = "body", value = "newsPostId")}))
    public record CreateNewsletterRequest(@Schema(description = "Required unless newsPostId is given (400 invalid_subject)")
                                          @Size(max = 200) @Pattern(regexp = TEXT, message = "must not contain the character U+0000") String subject,
                                          @Schema(description = "Markdown. Required unless newsPostId is given (400 invalid_body)")
                                          @Size(max = 100_000) @Pattern(regexp = TEXT, message = "must not contain the character U+0000") String body,
                                          @Pattern(regexp = "fr|en", message = "must be fr or en") String locale,
                                          @Pattern(regexp = SEGMENTS, message = "must be all, dues_paid, dues_overdue, event or admins") String segment,
                                          UUID eventId,
                                          UUID newsPostId) {
    }

    /** Absent (or null) fields are left unchanged. */
    public record UpdateNewsletterRequest(@Size(max = 200) @Pattern(regexp = TEXT, message = "must not contain the character U+0000") String subject,
                                          @Size(max = 100_000) @Pattern(regexp = TEXT, message = "must not contain the character U+0000") String body,
                                          @Pattern(regexp = "fr|en", message = "must be fr or en") String locale,
                                          @Pattern(regexp = SEGMENTS, message = "must be all, dues_paid, dues_overdue, event or admins") String segment,
                                          UUID eventId) {
    }

    public record SendNewsletterRequest(Instant at) {
    }

    public record TestSent(UUID emailId) {
    }

    // access: community owner/admin
    @Access(Access.Who.MANAGER)
    @POST
    @Timed
    @Refusal(status = 409, codes = {"community_archived"})
    @Refusal(status = 400, codes = {"invalid_at", "invalid_body", "invalid_eventId", "invalid_locale", "invalid_newsPostId", "invalid_segment", "invalid_subject"})
    @Operation(operationId = "createNewsletter", summary = "Write a newsletter draft", description = "Owners and admins. Body {subject, body (Markdown), "
            + "locale (fr|en, default the community's), segment (all|dues_paid|dues_overdue|event|admins, default all), "
            + "eventId (segment event), newsPostId (a published post: its title and body unless given)}. 201 with the "
            + "newsletter (status draft). 400 invalid_subject, invalid_body, invalid_segment, invalid_eventId, "
            + "invalid_newsPostId or validation_failed naming the field; 403 other members; 404 not a member. 409 community_archived: the community is archived (read-only).")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "201", description = "The draft",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
                    schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = NewsletterView.class)))
    public Response create(@PathParam("communityId") UUID communityId, @Valid @NotNull CreateNewsletterRequest r,
                           @Context SecurityContext context) {
        NewsletterView created = newsletters.create(communityId, CurrentAccount.require(context).accountId(),
                new NewsletterDraft(r.subject(), r.body(), r.locale(), r.segment(), r.eventId(), r.newsPostId()));
        return Response.status(201).entity(created).build();
    }

    // access: community owner/admin
    @Access(Access.Who.MANAGER)
    @GET
    @Timed
    @Refusal(status = 400, codes = {"invalid_cursor", "invalid_limit"})
    @Refusal(status = 409, codes = {"newsletter_already_started", "newsletter_not_draft"})
    @Refusal(status = 503, codes = {"unsubscribe_not_configured"})
    @Refusal(status = 402, codes = {"plan_limit_reached"})
    @Refusal(status = 403, codes = {"not_in_plan"})
    @Operation(operationId = "listNewsletters", summary = "The community's newsletters", description = "Owners and admins: 200 {items: [newsletter with "
            + "status and stats {batchesDone, batchesTotal, recipients, suppressed, bounced, unsubscribed}], nextCursor}, "
            + "newest first. 400 bad limit or cursor; 403 other members; 404 not a member.")
    public Page<NewsletterView> list(@PathParam("communityId") UUID communityId, @QueryParam("limit") String limit,
                                     @QueryParam("cursor") String cursor, @Context SecurityContext context) {
        int size = ListParams.limit(limit);
        KeysetCursor before = ListParams.cursor(cursor);
        Instant beforeAt;
        try {
            beforeAt = before == null ? null : Instant.parse(before.text());
        } catch (DateTimeParseException e) {
            throw KeysetCursor.invalid();
        }
        List<NewsletterView> rows = newsletters.list(communityId, CurrentAccount.require(context).accountId(), size + 1,
                beforeAt, before == null ? null : before.id());
        return Page.of(rows, size, n -> new KeysetCursor(n.createdAt().toString(), n.id()).encode());
    }

    // access: community owner/admin
    @Access(Access.Who.MANAGER)
    @GET
    @Path("/{newsletterId}")
    @Timed
    @Refusal(status = 404, codes = {"newsletter_not_found"})
    @Operation(operationId = "getNewsletter", summary = "A newsletter", description = "Owners and admins: 200 with its status (draft, scheduled, queued, "
            + "sending, sent, cancelled) and stats. 403 other members; 404 not a member or newsletter_not_found.")
    public NewsletterView get(@PathParam("communityId") UUID communityId, @PathParam("newsletterId") UUID newsletterId,
                              @Context SecurityContext context) {
        return newsletters.get(communityId, CurrentAccount.require(context).accountId(), newsletterId);
    }

    // access: community owner/admin
    @Access(Access.Who.MANAGER)
    @PATCH
    @Path("/{newsletterId}")
    @Timed
    @Refusal(status = 404, codes = {"newsletter_not_found"})
    @Refusal(status = 409, codes = {"newsletter_not_draft"})
    @Refusal(status = 400, codes = {"invalid_at", "invalid_body", "invalid_eventId", "invalid_locale", "invalid_newsPostId", "invalid_segment", "invalid_subject"})
    @Operation(operationId = "updateNewsletter", summary = "Change a newsletter draft", description = "Owners and admins; drafts only. 200 with the "
            + "newsletter. 400 bad field (named); 409 newsletter_not_draft; 403 other members; 404 not a member or "
            + "newsletter_not_found.")
    public NewsletterView update(@PathParam("communityId") UUID communityId, @PathParam("newsletterId") UUID newsletterId,
                                 @Valid @NotNull UpdateNewsletterRequest r, @Context SecurityContext context) {
        return newsletters.update(communityId, CurrentAccount.require(context).accountId(), newsletterId,
                new NewsletterDraft(r.subject(), r.body(), r.locale(), r.segment(), r.eventId(), null));
    }

    // access: community owner/admin
    @Access(Access.Who.MANAGER)
    @GET
    @Path("/{newsletterId}/preview")
    @Timed
    @Refusal(status = 404, codes = {"newsletter_not_found"})
    @Operation(operationId = "previewNewsletter", summary = "Preview a newsletter", description = "Owners and admins: 200 {subject, html, text, audience}: "
            + "rendered by the same template as the members' copies (the footer's unsubscribe link is each recipient's "
            + "own in the sent mail), and how many members the segment has now, unsubscribed and suppressed addresses "
            + "left out. 403 other members; 404 not a member or newsletter_not_found.")
    public NewsletterPreview preview(@PathParam("communityId") UUID communityId,
                                     @PathParam("newsletterId") UUID newsletterId, @Context SecurityContext context) {
        return newsletters.preview(communityId, CurrentAccount.require(context).accountId(), newsletterId);
    }

    // access: community owner/admin
    @Access(Access.Who.MANAGER)
    @POST
    @Path("/{newsletterId}/test")
    @Timed
    @Refusal(status = 404, codes = {"newsletter_not_found"})
    @Operation(operationId = "sendNewsletterTest", summary = "Send a test to myself", description = "Owners and admins: 202 {emailId}; the newsletter, "
            + "subject prefixed [TEST], goes to the caller's address only. 403 other members; 404 not a member or "
            + "newsletter_not_found.")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "202", description = "The test email is queued",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
                    schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = TestSent.class)))
    public Response test(@PathParam("communityId") UUID communityId, @PathParam("newsletterId") UUID newsletterId,
                         @Context SecurityContext context) {
        UUID emailId = newsletters.sendTest(communityId, CurrentAccount.require(context).accountId(), newsletterId);
        return Response.accepted(new TestSent(emailId)).build();
    }

    // access: community owner/admin
    @Access(Access.Who.MANAGER)
    @POST
    @Path("/{newsletterId}/send")
    @Timed
    @Refusal(status = 402, codes = {"plan_limit_reached"})
    @Refusal(status = 404, codes = {"newsletter_not_found"})
    @Refusal(status = 409, codes = {"community_archived", "newsletter_not_draft"})
    @Refusal(status = 503, codes = {"unsubscribe_not_configured"})
    @Refusal(status = 400, codes = {"invalid_at", "invalid_eventId", "invalid_segment"})
    @Refusal(status = 403, codes = {"not_in_plan"})
    @Operation(operationId = "sendNewsletter", summary = "Send or schedule a newsletter", description = "Owners and admins; drafts only. Body {at: "
            + "optional instant}: absent, sent now (status queued); in the future (within a year), scheduled. The "
            + "audience is the segment at the moment it goes out. 202 with the newsletter. 400 invalid_at (past) or "
            + "bad JSON; 402 plan_limit_reached (newsletters this month, audience size); 409 newsletter_not_draft; "
            + "503 unsubscribe_not_configured; 403 other members; 404 not a member or newsletter_not_found. 409 community_archived: the community is archived (read-only).")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "202", description = "Queued or scheduled",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
                    schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = NewsletterView.class)))
    public Response send(@PathParam("communityId") UUID communityId, @PathParam("newsletterId") UUID newsletterId,
                         @Valid SendNewsletterRequest r, @Context SecurityContext context) {
        NewsletterView sent = newsletters.send(communityId, CurrentAccount.require(context).accountId(), newsletterId,
                r == null ? null : r.at());
        return Response.accepted(sent).build();
    }

    // access: community owner/admin
    @Access(Access.Who.MANAGER)
    @POST
    @Path("/{newsletterId}/cancel")
    @Timed
    @Refusal(status = 404, codes = {"newsletter_not_found"})
    @Refusal(status = 409, codes = {"newsletter_already_started", "newsletter_not_draft"})
    @Operation(operationId = "cancelNewsletter", summary = "Cancel a newsletter", description = "Owners and admins: 200 with the newsletter, cancelled, "
            + "while it is scheduled or queued (already cancelled: unchanged). 409 newsletter_already_started once "
            + "its batches are going out, or newsletter_not_draft... for a draft use PATCH; 403 other members; 404 not a "
            + "member or newsletter_not_found.")
    public NewsletterView cancel(@PathParam("communityId") UUID communityId, @PathParam("newsletterId") UUID newsletterId,
                                 @Context SecurityContext context) {
        return newsletters.cancel(communityId, CurrentAccount.require(context).accountId(), newsletterId);
    }
}
