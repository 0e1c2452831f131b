package com.koomy.api.communities;

import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.api.auth.Access;
import com.koomy.communities.Communities;
import com.koomy.communities.CommunityLife;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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

/** A community's life (issue 21), by its owners: hand it over, archive it, bring it back, delete it. */
@Path("/api")
@Tag(name = "communities")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class CommunityLifeResource {

    private final CommunityLife life;
    private final Communities communities;

    public CommunityLifeResource(CommunityLife life, Communities communities) {
        this.life = life;
        this.communities = communities;
    }

    /** {@code keepOwnership}: true makes the caller a co-owner; absent or false, an admin. */
    public record TransferRequest(@NotNull UUID toUserId, Boolean keepOwnership) {
    }

    @Access(Access.Who.OWNER)
    @POST
    @Path("/communities/{communityId}/transfer")
    @Timed
    @Refusal(status = 409, codes = {"already_owner", "not_active"})
    @Refusal(status = 422, codes = {"invalid_target", "not_a_member"})
    @Operation(operationId = "transferCommunity", summary = "Hand a community over to another member",
            description = "200 with the community as the caller now sees it. toUserId (an active member) becomes an owner; "
                    + "the caller becomes an admin, or stays a co-owner with keepOwnership: true. Both are emailed "
                    + "(ownership_transferred, in their own language). 401 signed out; 403 not an owner; 404 not a member "
                    + "(or no such community); 422 not_a_member (toUserId has no membership here) or invalid_target (yourself); "
                    + "409 not_active (pending or expired), already_owner; 400 unknown field or bad toUserId.")
    @ApiResponse(responseCode = "200", description = "The community", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = CommunitiesResource.CommunityResponse.class)))
    public CommunitiesResource.CommunityResponse transfer(@PathParam("communityId") UUID communityId,
                                                          @Valid @NotNull TransferRequest r, @Context SecurityContext context) {
        UUID caller = CurrentAccount.require(context).accountId();
        life.transfer(communityId, caller, r.toUserId(), Boolean.TRUE.equals(r.keepOwnership()));
        return CommunitiesResource.CommunityResponse.of(communities.page(communityId, caller));
    }

    @Access(Access.Who.OWNER)
    @POST
    @Path("/communities/{communityId}/archive")
    @Timed
    @Refusal(status = 409, codes = {"already_archived", "community_archived"})
    @Operation(operationId = "archiveCommunity", summary = "Archive a community (read-only)",
            description = "200 with the community (archivedAt set). From now on every new dues payment, event, registration, "
                    + "news post, newsletter, invitation and membership is refused with 409 community_archived, and "
                    + "settings cannot change; pages stay readable; discovery no longer lists it; a plan stops renewing. "
                    + "401; 403 not an owner; 404 not a member; 409 already_archived.")
    @ApiResponse(responseCode = "200", description = "The community", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = CommunitiesResource.CommunityResponse.class)))
    public CommunitiesResource.CommunityResponse archive(@PathParam("communityId") UUID communityId,
                                                         @Context SecurityContext context) {
        UUID caller = CurrentAccount.require(context).accountId();
        life.archive(communityId, caller);
        return CommunitiesResource.CommunityResponse.of(communities.page(communityId, caller));
    }

    @Access(Access.Who.OWNER)
    @POST
    @Path("/communities/{communityId}/unarchive")
    @Timed
    @Refusal(status = 409, codes = {"not_archived"})
    @Operation(operationId = "unarchiveCommunity", summary = "Bring an archived community back",
            description = "200 with the community (archivedAt and deletionDueAt cleared): writable again, and a scheduled "
                    + "deletion cancelled, until the grace period ends (then the community is gone: 404). 401; 403 not an "
                    + "owner; 404 not a member; 409 not_archived.")
    @ApiResponse(responseCode = "200", description = "The community", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = CommunitiesResource.CommunityResponse.class)))
    public CommunitiesResource.CommunityResponse unarchive(@PathParam("communityId") UUID communityId,
                                                           @Context SecurityContext context) {
        UUID caller = CurrentAccount.require(context).accountId();
        life.unarchive(communityId, caller);
        return CommunitiesResource.CommunityResponse.of(communities.page(communityId, caller));
    }

    @Access(Access.Who.OWNER)
    @DELETE
    @Path("/communities/{id}")
    @Timed
    @Refusal(status = 409, codes = {"not_archived"})
    @Refusal(status = 404, codes = {"community_not_found"})
    @Operation(operationId = "deleteCommunity", summary = "Delete an archived community after the grace period",
            description = "202 with the community, deletionDueAt set to now + communityDeletionGrace (30 days by default; "
                    + "asking again keeps the first date). Until then POST .../unarchive cancels it; after, the worker "
                    + "removes its members and content and anonymises it, keeping payments and receipts (10-year legal "
                    + "retention). 401; 403 not an owner; 404 not a member; 409 not_archived (archive it first).")
    @ApiResponse(responseCode = "202", description = "The community, deletion scheduled", content = @Content(
            mediaType = "application/json", schema = @Schema(implementation = CommunitiesResource.CommunityResponse.class)))
    public Response delete(@PathParam("id") UUID communityId, @Context SecurityContext context) {
        UUID caller = CurrentAccount.require(context).accountId();
        life.scheduleDeletion(communityId, caller);
        return Response.status(202).entity(CommunitiesResource.CommunityResponse.of(communities.page(communityId, caller)))
                .build();
    }
}
