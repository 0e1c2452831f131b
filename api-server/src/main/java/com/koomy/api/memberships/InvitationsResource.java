package com.koomy.api.memberships;

import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.api.memberships.MembershipsResource.MembershipResponse;
import com.koomy.memberships.Invitation;
import com.koomy.memberships.Invitations;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import com.koomy.api.docs.Refusal;

/** Invitations by email (issue 4): owners and admins invite, the invited person accepts with the emailed token. */
@Path("/api")
@Tag(name = "memberships")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class InvitationsResource {

    static final int MAX_LISTED = 500;

    private final Invitations invitations;

    public InvitationsResource(Invitations invitations) {
        this.invitations = invitations;
    }

    public record InviteRequest(@NotBlank @Email @Size(max = 254) String email,
                                @Pattern(regexp = "member|admin", message = "must be member or admin") String role) {
    }

    public record AcceptRequest(@NotBlank @Size(max = 200) String token) {
    }

    public record InvitationResponse(UUID id, UUID communityId, String email, String role, UUID invitedBy,
                                     Instant expiresAt, Instant createdAt) {
        static InvitationResponse of(Invitation i) {
            return new InvitationResponse(i.id(), i.communityId(), i.email(), i.role(), i.invitedBy(), i.expiresAt(),
                    i.createdAt());
        }
    }

    @Access(Access.Who.MANAGER)
    @POST
    @Path("/communities/{communityId}/invitations")
    @Timed
    @Refusal(status = 403, codes = {"email_not_verified", "not_in_plan", "owner_required", "wrong_account"})
    @Refusal(status = 409, codes = {"already_member", "community_archived"})
    @Refusal(status = 402, codes = {"plan_limit_reached"})
    @Operation(operationId = "inviteMember", summary = "Invite someone by email", description = "201 with the invitation; the email with the "
            + "accept link is queued in the same transaction, and a pending invitation of the same address is "
            + "replaced. 403 not an owner or admin, or an admin inviting an admin (owner_required); 404 not a "
            + "member; 409 already_member (an active member has this address); 400 unknown field or bad email or role. 409 community_archived: the community is archived (read-only).")
    @ApiResponse(responseCode = "201", description = "The invitation", content = @Content(mediaType = "application/json", schema = @Schema(implementation = InvitationResponse.class)))
    public Response invite(@PathParam("communityId") UUID communityId, @Valid @NotNull InviteRequest r,
                           @Context SecurityContext context) {
        UUID caller = CurrentAccount.require(context).accountId();
        Invitation invitation = invitations.invite(communityId, caller, r.email(), r.role());
        return Response.status(201).entity(InvitationResponse.of(invitation)).build();
    }

    @Access(Access.Who.MANAGER)
    @GET
    @Path("/communities/{communityId}/invitations")
    @Timed
    @Operation(operationId = "listInvitations", summary = "Pending invitations", description = "Owners and admins: 200 {items: [...]}, newest first, "
            + "at most 500. 403 other members; 404 not a member.")
    public Map<String, List<InvitationResponse>> pending(@PathParam("communityId") UUID communityId,
                                                         @Context SecurityContext context) {
        UUID caller = CurrentAccount.require(context).accountId();
        return Map.of("items", invitations.pending(communityId, caller, MAX_LISTED).stream()
                .map(InvitationResponse::of).toList());
    }

    @Access(Access.Who.ACCOUNT)
    @POST
    @Path("/invitations/accept")
    @Timed
    @Refusal(status = 400, codes = {"invalid_token"})
    @Refusal(status = 402, codes = {"plan_limit_reached"})
    @Refusal(status = 403, codes = {"email_not_verified", "not_in_plan", "wrong_account"})
    @Refusal(status = 409, codes = {"community_archived"})
    @Operation(operationId = "acceptInvitation", summary = "Accept an invitation", description = "200 with the membership, active, with the invited "
            + "role (an existing membership keeps a higher role). 400 invalid_token (unknown, used or expired); "
            + "401 signed out; 403 wrong_account (signed in with another email than the invited one), email_not_verified (the account has "
            + "not verified the invited address yet: verify it, then accept again; the link stays usable). 402 plan_limit_reached when the plan's limit is reached. 409 community_archived: the community is archived (read-only).")
    public MembershipResponse accept(@Valid @NotNull AcceptRequest r, @Context SecurityContext context) {
        UUID caller = CurrentAccount.require(context).accountId();
        return MembershipResponse.of(invitations.accept(r.token(), caller));
    }
}
