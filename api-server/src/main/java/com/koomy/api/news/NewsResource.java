package com.koomy.api.news;

import jakarta.annotation.Nullable;
import com.koomy.errors.ApiException;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.api.http.ListParams;
import com.koomy.db.KeysetCursor;
import com.koomy.db.Page;
import com.koomy.news.NewsPost;
import com.koomy.news.NewsPosts;
import com.koomy.news.NewsQuery;
import com.koomy.news.NewsSummary;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
import java.util.UUID;
import com.koomy.api.docs.Refusal;

/**
 * News posts (issue 4): owners and admins write and publish, active members read the feed. Rooted at
 * {@code /api} like {@link com.koomy.api.memberships.MembershipsResource}, for the same reason.
 */
@Path("/api")
@Tag(name = "news")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class NewsResource {

    /** One line of printable text that is not blank. */
    static final String TITLE = "(?=.*\\S)[^\\p{Cc}]*";
    /** PostgreSQL text cannot hold NUL. */
    static final String BODY = "[^\\x00]*";

    private final NewsPosts news;

    public NewsResource(NewsPosts news) {
        this.news = news;
    }

    public record CreateNewsRequest(@NotNull @Size(min = 1, max = 200) @Pattern(regexp = TITLE, message = "must be one line of text, not blank") String title,
                                    @Size(max = 50_000) @Pattern(regexp = BODY, message = "must not contain the character U+0000") String body) {
    }

    /** Absent (or null) fields are left unchanged. */
    public record UpdateNewsRequest(@Size(min = 1, max = 200) @Pattern(regexp = TITLE, message = "must be one line of text, not blank") String title,
                                    @Size(max = 50_000) @Pattern(regexp = BODY, message = "must not contain the character U+0000") String body) {
    }

    public record NewsResponse(UUID id, UUID communityId, String title, String body, String status, UUID authorId,
                               String authorName, @Nullable Instant publishedAt, Instant createdAt, Instant updatedAt) {
        static NewsResponse of(NewsPost p) {
            return new NewsResponse(p.id(), p.communityId(), p.title(), p.body(), p.status(), p.authorId(),
                    p.authorName(), p.publishedAt(), p.createdAt(), p.updatedAt());
        }
    }

    @Access(Access.Who.MANAGER)
    @POST
    @Path("/communities/{communityId}/news")
    @Timed
    @Refusal(status = 409, codes = {"community_archived"})
    @Operation(operationId = "createNews", summary = "Write a news post", description = "Owners and admins. 201 with the post, a draft. 401 signed "
            + "out; 403 other members; 404 not a member; 400 unknown field or bad title (1-200) or body (50,000). 409 community_archived: the community is archived (read-only).")
    @ApiResponse(responseCode = "201", description = "The post", content = @Content(mediaType = "application/json", schema = @Schema(implementation = NewsResponse.class)))
    public Response create(@PathParam("communityId") UUID communityId, @Valid @NotNull CreateNewsRequest r,
                           @Context SecurityContext context) {
        NewsPost post = news.create(communityId, CurrentAccount.require(context).accountId(), r.title(), r.body());
        return Response.status(201).entity(NewsResponse.of(post)).build();
    }

    @Access(Access.Who.MEMBER)
    @GET
    @Path("/communities/{communityId}/news")
    @Timed
    @Refusal(status = 400, codes = {"invalid_cursor", "invalid_limit", "invalid_status"})
    @Operation(operationId = "listNews", summary = "The news feed", description = "Active members: 200 {items: [{id, title, status, authorId, "
            + "authorName, publishedAt, createdAt, updatedAt}], nextCursor}, published posts newest first; owners and "
            + "admins may ask status=draft (newest created first). 400 bad status, limit or cursor; 403 drafts for "
            + "other members; 404 not a member.")
    public Page<NewsSummary> list(@PathParam("communityId") UUID communityId, @QueryParam("status") String status,
                                  @QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
                                  @Context SecurityContext context) {
        UUID caller = CurrentAccount.require(context).accountId();
        if (status != null && !NewsPost.DRAFT.equals(status) && !NewsPost.PUBLISHED.equals(status)) {
            throw ApiException.invalidField("invalid_status", "status", "must be published or draft");
        }
        int size = ListParams.limit(limit);
        KeysetCursor after = ListParams.cursor(cursor);
        Instant afterAt;
        try {
            afterAt = after == null ? null : Instant.parse(after.text());
        } catch (DateTimeParseException e) {
            throw KeysetCursor.invalid();
        }
        return news.list(communityId, caller, new NewsQuery(NewsPost.DRAFT.equals(status), size, afterAt,
                after == null ? null : after.id()));
    }

    @Access(Access.Who.MEMBER)
    @GET
    @Path("/communities/{communityId}/news/{postId}")
    @Timed
    @Refusal(status = 404, codes = {"news_not_found"})
    @Operation(operationId = "getNewsPost", summary = "A news post", description = "200 with the post (body in Markdown): published posts to active "
            + "members, drafts to owners and admins. 404 not a member, or news_not_found (unknown, another "
            + "community's, or a draft for a plain member).")
    public NewsResponse get(@PathParam("communityId") UUID communityId, @PathParam("postId") UUID postId,
                            @Context SecurityContext context) {
        return NewsResponse.of(news.get(communityId, CurrentAccount.require(context).accountId(), postId));
    }

    @Access(Access.Who.MANAGER)
    @PATCH
    @Path("/communities/{communityId}/news/{postId}")
    @Timed
    @Refusal(status = 404, codes = {"news_not_found"})
    @Operation(operationId = "updateNews", summary = "Edit a news post", description = "Owners and admins; drafts and published posts. 200 with "
            + "the post; 403 other members; 404 not a member or news_not_found; 400 unknown field or bad values.")
    public NewsResponse update(@PathParam("communityId") UUID communityId, @PathParam("postId") UUID postId,
                               @Valid @NotNull UpdateNewsRequest r, @Context SecurityContext context) {
        return NewsResponse.of(news.update(communityId, CurrentAccount.require(context).accountId(), postId,
                r.title(), r.body()));
    }

    @Access(Access.Who.MANAGER)
    @POST
    @Path("/communities/{communityId}/news/{postId}/publish")
    @Timed
    @Refusal(status = 404, codes = {"news_not_found"})
    @Refusal(status = 409, codes = {"community_archived"})
    @Operation(operationId = "publishNews", summary = "Publish a news post", description = "Owners and admins. 200 with the post, published now "
            + "(already published: unchanged). 403 other members; 404 not a member or news_not_found. 409 community_archived: the community is archived (read-only).")
    public NewsResponse publish(@PathParam("communityId") UUID communityId, @PathParam("postId") UUID postId,
                                @Context SecurityContext context) {
        return NewsResponse.of(news.publish(communityId, CurrentAccount.require(context).accountId(), postId));
    }

    @Access(Access.Who.MANAGER)
    @POST
    @Path("/communities/{communityId}/news/{postId}/unpublish")
    @Timed
    @Refusal(status = 404, codes = {"news_not_found"})
    @Operation(operationId = "unpublishNews", summary = "Unpublish a news post", description = "Owners and admins. 200 with the post, a draft again "
            + "(already a draft: unchanged). 403 other members; 404 not a member or news_not_found.")
    public NewsResponse unpublish(@PathParam("communityId") UUID communityId, @PathParam("postId") UUID postId,
                                  @Context SecurityContext context) {
        return NewsResponse.of(news.unpublish(communityId, CurrentAccount.require(context).accountId(), postId));
    }

    @Access(Access.Who.MANAGER)
    @DELETE
    @Path("/communities/{communityId}/news/{postId}")
    @Timed
    @Refusal(status = 404, codes = {"news_not_found"})
    @Operation(operationId = "deleteNews", summary = "Delete a news post", description = "Owners and admins. 204; 403 other members; 404 not a "
            + "member or news_not_found.")
    public Response delete(@PathParam("communityId") UUID communityId, @PathParam("postId") UUID postId,
                           @Context SecurityContext context) {
        news.delete(communityId, CurrentAccount.require(context).accountId(), postId);
        return Response.noContent().build();
    }
}
