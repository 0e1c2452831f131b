package com.koomy.api.memberships;

import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.api.auth.Access;
import com.koomy.api.http.ListParams;
import com.koomy.db.Page;
import com.koomy.memberships.MembershipRequest;
import com.koomy.memberships.MembershipRequests;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import java.util.UUID;
import com.koomy.api.docs.Refusal;

/** Requests to join a community that approves its members (issue 21): the pending list, approve, refuse. */
@Path("/api")
@Tag(name = "memberships")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class MembershipRequestsResource {

    private final MembershipRequests requests;

    public MembershipRequestsResource(MembershipRequests requests) {
        this.requests = requests;
    }

    /** The optional body of a decision: words for the member, in the email (at most 1,000 characters). */
    public record DecisionRequest(String message) {
    }

    @Access(Access.Who.MANAGER)
    @GET
    @Path("/communities/{communityId}/membership-requests")
    @Timed
    @Refusal(status = 400, codes = {"invalid_cursor", "invalid_limit"})
    @Operation(operationId = "listMembershipRequests", summary = "Pending membership requests", description = "Owners and admins. 200 "
            + "{items: [{id, communityId, accountId, name, email, status, requestedAt, decidedAt, message, fields}], nextCursor}, oldest "
            + "first. 400 bad limit (1-100) or cursor; 401 signed out; 403 not an owner or admin; 404 not a member.")
    public Page<MembershipRequest> pending(@PathParam("communityId") UUID communityId, @QueryParam("limit") String limit,
                                           @QueryParam("cursor") String cursor, @Context SecurityContext context) {
        return requests.pending(communityId, CurrentAccount.require(context).accountId(), ListParams.limit(limit),
                ListParams.cursor(cursor));
    }

    @Access(Access.Who.MANAGER)
    @POST
    @Path("/communities/{communityId}/membership-requests/{requestId}/approve")
    @Timed
    @Refusal(status = 404, codes = {"request_not_found"})
    @Refusal(status = 409, codes = {"request_already_decided"})
    @Operation(operationId = "approveMembershipRequest", summary = "Approve a membership request", description = "Owners and admins. "
            + "200 the request, approved: the membership is active and the member is emailed (template membership_approved, with the "
            + "message if any). 400 message over 1,000 characters; 401; 403 not an owner or admin; 404 request_not_found (unknown, or "
            + "another community's); 409 request_already_decided (approved, refused or withdrawn).")
    public MembershipRequest approve(@PathParam("communityId") UUID communityId, @PathParam("requestId") UUID requestId,
                                     @Valid DecisionRequest r, @Context SecurityContext context) {
        return requests.approve(communityId, CurrentAccount.require(context).accountId(), requestId, r == null ? null : r.message());
    }

    @Access(Access.Who.MANAGER)
    @POST
    @Path("/communities/{communityId}/membership-requests/{requestId}/refuse")
    @Timed
    @Refusal(status = 404, codes = {"request_not_found"})
    @Refusal(status = 409, codes = {"request_already_decided"})
    @Operation(operationId = "refuseMembershipRequest", summary = "Refuse a membership request", description = "Owners and admins. "
            + "200 the request, refused: the pending membership is deleted (the person may ask again) and the member is emailed "
            + "(template membership_refused, with the message if any). 400 message over 1,000 characters; 401; 403 not an owner or "
            + "admin; 404 request_not_found (unknown, or another community's); 409 request_already_decided.")
    public MembershipRequest refuse(@PathParam("communityId") UUID communityId, @PathParam("requestId") UUID requestId,
                                    @Valid DecisionRequest r, @Context SecurityContext context) {
        return requests.refuse(communityId, CurrentAccount.require(context).accountId(), requestId, r == null ? null : r.message());
    }
}
