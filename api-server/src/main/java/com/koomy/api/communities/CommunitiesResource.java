package com.koomy.api.communities;

import jakarta.annotation.Nullable;
import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.api.accounts.AccountPrincipal;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.api.http.ConditionalGet;
import com.koomy.api.http.ListParams;
import com.koomy.communities.Communities;
import com.koomy.communities.Community;
import com.koomy.communities.MyCommunity;
import com.koomy.db.Page;
import com.koomy.memberships.Membership;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
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
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.time.Instant;
import java.util.UUID;
import com.koomy.api.docs.Refusal;

/** Communities (issue 4): create one, its public page, its settings, and the caller's communities. */
@Path("/api")
@Tag(name = "communities")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class CommunitiesResource {

    private final Communities communities;
    private final PublicPages publicPages;
    private final ConditionalGet conditionalGet;

    public CommunitiesResource(Communities communities, PublicPages publicPages, ObjectMapper json) {
        this.communities = communities;
        this.publicPages = publicPages;
        this.conditionalGet = new ConditionalGet(json);
    }

    /** Only these fields can be set: no owner, no id, no slug. */
    public record CreateCommunityRequest(
            @NotBlank @Size(max = 200) String name,
            @Size(max = 5000) String description,
            @Pattern(regexp = "public|private", message = "must be public or private") String visibility,
            @Pattern(regexp = "open|approval", message = "must be open or approval") String joinPolicy,
            @Pattern(regexp = "fr|en", message = "must be fr or en") String locale,
            @Size(max = 100) String city) {
    }

    /** Absent (or null) fields are left unchanged. */
    public record UpdateCommunityRequest(
            @Size(min = 1, max = 200) @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank") String name,
            @Size(max = 5000) String description,
            @Pattern(regexp = "public|private", message = "must be public or private") String visibility,
            @Pattern(regexp = "open|approval", message = "must be open or approval") String joinPolicy,
            @Pattern(regexp = "fr|en", message = "must be fr or en") String locale,
            @Size(max = 100) String city) {
    }

    /** The viewer's own membership, when there is one. */
    public record MyMembership(String role, String status, Instant joinedAt) {
        static MyMembership of(Membership m) {
            return m == null ? null : new MyMembership(m.role(), m.status(), m.joinedAt());
        }
    }

    /** {@code archivedAt}: read-only since; {@code deletionDueAt}: deleted then unless unarchived (issue 21). */
    public record CommunityResponse(UUID id, String name, String slug, String description, String visibility,
                                    String joinPolicy, String locale, @Nullable String city, long activeMembers,
                                    @Nullable MyMembership membership, Instant createdAt, Instant updatedAt, @Nullable Instant archivedAt,
                                    @Nullable Instant deletionDueAt) {
        static CommunityResponse of(Communities.CommunityPage page) {
            Community c = page.community();
            return new CommunityResponse(c.id(), c.name(), c.slug(), c.description(), c.visibility(), c.joinPolicy(),
                    c.locale(), c.city(), page.activeMembers(), MyMembership.of(page.viewer()), c.createdAt(),
                    c.updatedAt(), c.archivedAt(), c.deletionDueAt());
        }
    }

    @Access(Access.Who.ACCOUNT)
    @POST
    @Path("/communities")
    @Timed
    @Refusal(status = 429, codes = {"community_limit_reached"})
    @Refusal(status = 409, codes = {"slug_taken"})
    @Operation(operationId = "createCommunity", summary = "Create a community", description = "201 with the community; the caller becomes its owner. "
            + "401 signed out; 400 unknown field or bad name, description, visibility, joinPolicy, locale or city (at most 100); 429 "
            + "community_limit_reached when the account created communitiesPerAccountPerDay (5) in the last 24 hours.")
    @ApiResponse(responseCode = "201", description = "The community", content = @Content(mediaType = "application/json", schema = @Schema(implementation = CommunityResponse.class)))
    public Response create(@Valid @NotNull CreateCommunityRequest r, @Context SecurityContext context) {
        AccountPrincipal caller = CurrentAccount.require(context);
        Community created = communities.create(caller.accountId(), new Communities.NewCommunity(
                r.name(), r.description(), r.visibility(), r.joinPolicy(), r.locale(), r.city()));
        return Response.status(201).entity(CommunityResponse.of(communities.page(created.id(), caller.accountId())))
                .build();
    }

    @Access(Access.Who.ANYONE)
    @GET
    @Path("/communities/{id}")
    @Timed
    @Refusal(status = 404, codes = {"community_not_found"})
    @Operation(operationId = "getCommunity", summary = "A community's page", description = "200, to anyone for a public community and to its "
            + "members for a private one; 404 otherwise (unknown, or private and not a member). Strong ETag; "
            + "If-None-Match answers 304. Signed out: Cache-Control public, max-age=60, stale-while-revalidate=300; "
            + "signed in (the page shows your membership): private, no-cache.",
            responses = {
                    @ApiResponse(responseCode = "200", description = "the page",
                            content = @Content(schema = @Schema(implementation = CommunityResponse.class)),
                            headers = {@Header(name = "ETag", description = "hash of the body"),
                                    @Header(name = "Cache-Control", description = "public or private, see above")}),
                    @ApiResponse(responseCode = "304", description = "If-None-Match matched the current ETag"),
                    @ApiResponse(responseCode = "404", description = "unknown, or private and not a member")})
    public Response page(@PathParam("id") UUID id, @Context SecurityContext context, @Context Request request) {
        UUID viewer = context.getUserPrincipal() instanceof AccountPrincipal p ? p.accountId() : null;
        if (viewer == null) {
            // Usually answered before Jersey, the same way (PublicPageFastRoute); here when fast paths are off.
            PublicPages.Rendered page = publicPages.anonymousPage(id);
            return conditionalGet.ok(request, page.body(), page.etag(), ConditionalGet.PUBLIC);
        }
        return conditionalGet.ok(request, CommunityResponse.of(communities.page(id, viewer)),
                viewer == null ? ConditionalGet.PUBLIC : ConditionalGet.PRIVATE);
    }

    @Access(Access.Who.MANAGER)
    @PATCH
    @Path("/communities/{id}")
    @Timed
    @Refusal(status = 409, codes = {"community_archived"})
    @Refusal(status = 404, codes = {"community_not_found"})
    @Operation(operationId = "updateCommunity", summary = "Change a community's settings", description = "200 with the community; 401 signed out, "
            + "403 a member who is not an owner or admin, 404 not a member; 409 community_archived; 400 unknown field or bad "
            + "values. city: \"\" clears it.")
    public CommunityResponse update(@PathParam("id") UUID id, @Valid @NotNull UpdateCommunityRequest r,
                                    @Context SecurityContext context) {
        AccountPrincipal caller = CurrentAccount.require(context);
        communities.update(id, caller.accountId(), new Communities.CommunityChanges(
                r.name(), r.description(), r.visibility(), r.joinPolicy(), r.locale(), r.city()));
        return CommunityResponse.of(communities.page(id, caller.accountId()));
    }

    @Access(Access.Who.ACCOUNT)
    @GET
    @Path("/me/communities")
    @Timed
    @Refusal(status = 400, codes = {"invalid_cursor", "invalid_limit"})
    @Operation(operationId = "listMyCommunities", summary = "The caller's communities", description = "200 {items: [{id, name, slug, visibility, role, "
            + "status, joinedAt}], nextCursor} by name; 400 bad limit (1-100) or cursor; 401 signed out.")
    public Page<MyCommunity> mine(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
                                  @Context SecurityContext context) {
        AccountPrincipal caller = CurrentAccount.require(context);
        return communities.ofAccount(caller.accountId(), ListParams.limit(limit), ListParams.cursor(cursor));
    }
}
