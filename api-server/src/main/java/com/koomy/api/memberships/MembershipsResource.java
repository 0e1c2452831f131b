package com.koomy.api.memberships;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.koomy.api.http.TextOnly;
import com.koomy.errors.ApiException;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.api.http.ListParams;
import com.koomy.db.Page;
import com.koomy.memberships.FellowMembers;
import com.koomy.memberships.Member;
import com.koomy.memberships.MemberQuery;
import com.koomy.memberships.Membership;
import com.koomy.memberships.Memberships;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
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
import jakarta.ws.rs.core.UriInfo;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import com.koomy.api.docs.Refusal;

/**
 * Memberships (issue 4): join, the member directory, roles and approval, removal and leaving. Rooted at
 * {@code /api} like {@link com.koomy.api.communities.CommunitiesResource}: Jersey picks one root resource
 * by its path and never backtracks, so a root at /api/communities/{id} would hide GET /api/communities/{id}.
 */
@Path("/api")
@Tag(name = "memberships")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class MembershipsResource {

    private final Memberships memberships;
    private final FellowMembers fellows;

    public MembershipsResource(Memberships memberships, FellowMembers fellows) {
        this.memberships = memberships;
        this.fellows = fellows;
    }

    /** The only fields an admin may change on a membership; status only approves ("active"). */
    public record ChangeMemberRequest(@Pattern(regexp = "owner|admin|member", message = "must be owner, admin or member") String role,
                                      @Pattern(regexp = "active", message = "must be active") String status) {
    }

    /** The optional body of a join: the member's field values by key (GET .../member-fields lists them). */
    public record JoinRequest(@JsonDeserialize(contentUsing = TextOnly.class) Map<String, String> fields) {
    }

    public record MembershipResponse(UUID communityId, UUID accountId, String role, String status, Instant joinedAt) {
        static MembershipResponse of(Membership m) {
            return new MembershipResponse(m.communityId(), m.accountId(), m.role(), m.status(), m.joinedAt());
        }
    }

    @Access(Access.Who.ACCOUNT)
    @POST
    @Path("/communities/{communityId}/join")
    @Timed
    @Refusal(status = 402, codes = {"plan_limit_reached"})
    @Refusal(status = 409, codes = {"already_member", "community_archived"})
    @Refusal(status = 403, codes = {"not_in_plan"})
    @Refusal(status = 404, codes = {"community_not_found"})
    @Refusal(status = 429, codes = {"community_limit_reached"})
    @Operation(operationId = "joinCommunity", summary = "Join a community", description = "201 with the membership: active in an open community, "
            + "pending in one by approval (with a pending membership request). The optional body gives the member's field values "
            + "{fields: {key: value}}: every required field must be given, each value fit its type (400 validation_failed naming "
            + "fields.<key>). 401 signed out; 404 unknown or private; 409 already_member. 402 plan_limit_reached when the plan's limit is reached. 409 community_archived: the community is archived (read-only).")
    @ApiResponse(responseCode = "201", description = "The membership", content = @Content(mediaType = "application/json", schema = @Schema(implementation = MembershipResponse.class)))
    public Response join(@PathParam("communityId") UUID communityId, @Valid JoinRequest r, @Context SecurityContext context) {
        Membership joined = memberships.join(communityId, CurrentAccount.require(context).accountId(),
                r == null || r.fields() == null ? Map.of() : r.fields());
        return Response.status(201).entity(MembershipResponse.of(joined)).build();
    }

    @Access(Access.Who.MANAGER)
    @GET
    @Path("/communities/{communityId}/members")
    @Timed
    @Refusal(status = 400, codes = {"invalid_cursor", "invalid_dues", "invalid_limit", "invalid_missing_required", "invalid_query", "invalid_role", "invalid_status"})
    @Operation(operationId = "listMembers", summary = "The member directory", description = "Owners and admins. 200 {items: [{accountId, name, "
            + "email, role, status, joinedAt, duesPaidUntil}], nextCursor} by name; filters status, role, dues (paid: "
            + "paid until today or later; overdue: never paid or paid until before today, UTC), q (name or email). 400 "
            + "invalid_status, invalid_role, invalid_dues, invalid_query, invalid_limit (1-100) or invalid_cursor; 401 signed out; 403 not an owner or admin; 404 not a member. A page may be up to 1 s old (KOOMY_CACHE_DIRECTORY_LOCAL_TTL) "
            + "when the change was made through another API instance; the caller's right is checked on every call. Each item carries "
            + "fields {key: value}, the member's field values; field.<key>=value (up to 5) keeps the members whose value is exactly "
            + "that (phone numbers compared without separators); 400 validation_failed naming field.<key> for an unknown key or a value "
            + "that does not fit the field. missingRequired=true keeps the members without a value for at least one required field "
            + "(made required after they joined), false those who have them all; 400 invalid_missing_required.")
    public Page<Member> members(@PathParam("communityId") UUID communityId,
                                @QueryParam("status")
                                @Parameter(schema = @Schema(allowableValues = {"pending", "active", "expired"})) String status,
                                @QueryParam("role") @Parameter(schema = @Schema(allowableValues = {"owner", "admin", "member"})) String role,
                                @QueryParam("dues") @Parameter(schema = @Schema(allowableValues = {"paid", "overdue"})) String dues,
                                @QueryParam("q") @Parameter(schema = @Schema(maxLength = 200)) String q,
                                @QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
                                @QueryParam("missingRequired")
                                @Parameter(schema = @Schema(allowableValues = {"true", "false"})) String missingRequired,
                                @Context UriInfo uri, @Context SecurityContext context) {
        UUID caller = CurrentAccount.require(context).accountId();
        MemberQuery query = query(status, role, dues, q, missingRequired, limit, cursor);
        return memberships.directory(communityId, caller, withFields(query, uri.getQueryParameters()));
    }

    static final String FIELD_FILTER = "field.";

    /** The query with the {@code field.<key>=value} filters of the request (one value per key; 400 for several). */
    static MemberQuery withFields(MemberQuery query, Map<String, List<String>> parameters) {
        Map<String, String> fields = new HashMap<>();
        for (Map.Entry<String, List<String>> p : parameters.entrySet()) {
            if (p.getKey().startsWith(FIELD_FILTER)) {
                if (p.getValue().size() != 1) {
                    throw ApiException.invalidField(p.getKey().length() > 56 ? p.getKey().substring(0, 56) : p.getKey(),
                            "must be given once");
                }
                fields.put(p.getKey().substring(FIELD_FILTER.length()), p.getValue().get(0));
            }
        }
        return fields.isEmpty() ? query : query.withFields(fields);
    }

    /** The directory's query parameters, checked (400 {@link ApiException} otherwise); {@link DirectoryFastRoute} uses it too. */
    static MemberQuery query(String status, String role, String dues, String q, String missingRequired, String limit,
                             String cursor) {
        if (status != null && !Membership.STATUSES.contains(status)) {
            throw ApiException.invalidField("invalid_status", "status", "must be one of pending, active, expired");
        }
        if (role != null && !Membership.ROLES.contains(role)) {
            throw ApiException.invalidField("invalid_role", "role", "must be one of owner, admin, member");
        }
        if (dues != null && !dues.equals(MemberQuery.DUES_PAID) && !dues.equals(MemberQuery.DUES_OVERDUE)) {
            throw ApiException.invalidField("invalid_dues", "dues", "must be paid or overdue");
        }
        if (q != null && q.length() > 200) {
            throw ApiException.invalidField("invalid_query", "q", "must have at most 200 characters");
        }
        if (missingRequired != null && !missingRequired.equals("true") && !missingRequired.equals("false")) {
            throw ApiException.invalidField("invalid_missing_required", "missingRequired", "must be true or false");
        }
        return new MemberQuery(status, role, dues, q, ListParams.limit(limit), ListParams.cursor(cursor))
                .withMissingRequired(missingRequired == null ? null : Boolean.valueOf(missingRequired));
    }

    @Access(Access.Who.MEMBER)
    @GET
    @Path("/communities/{communityId}/members/fellows")
    @Timed
    @Refusal(status = 400, codes = {"invalid_query"})
    @Operation(operationId = "listFellowMembers", summary = "The members, as a member sees them", description = "Active members. "
            + "200 {items: [{accountId, name, role, joinedAt, fields}], nextCursor}: the community's active members by name, with "
            + "only the values of the member fields whose visibility is members (no email, no dues, no admins-only value: those "
            + "are the owners' and admins' directory's); q: a part of the name. 400 invalid_query, invalid_limit (1-100), "
            + "invalid_cursor; 401 signed out; 404 not an active member.")
    public Page<FellowMembers.Fellow> fellows(@PathParam("communityId") UUID communityId,
                                              @QueryParam("q") @Parameter(schema = @Schema(maxLength = 200)) String q,
                                              @QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
                                              @Context SecurityContext context) {
        if (q != null && q.length() > 200) {
            throw ApiException.invalidField("invalid_query", "q", "must have at most 200 characters");
        }
        return fellows.page(communityId, CurrentAccount.require(context).accountId(), q, ListParams.limit(limit),
                ListParams.cursor(cursor));
    }

    @Access(Access.Who.MANAGER)
    @PATCH
    @Path("/communities/{communityId}/members/{accountId}")
    @Timed
    @Refusal(status = 403, codes = {"owner_protected"})
    @Refusal(status = 409, codes = {"community_archived", "invalid_status_change", "last_owner", "not_active"})
    @Operation(operationId = "changeMember", summary = "Change a member's role, or approve a pending member", description = "200 with the "
            + "membership. status active approves a pending member as POST .../membership-requests/{requestId}/approve does "
            + "(the request approved, the member emailed). 403 not an owner or admin, or an admin touching an owner (owner_protected); 404 not a "
            + "member, or no such member; 409 last_owner, not_active, invalid_status_change; 400 unknown field; "
            + "400 bad role or status. 409 community_archived: the community is archived (read-only).")
    public MembershipResponse change(@PathParam("communityId") UUID communityId, @PathParam("accountId") UUID accountId,
                                     @Valid @NotNull ChangeMemberRequest r, @Context SecurityContext context) {
        UUID caller = CurrentAccount.require(context).accountId();
        return MembershipResponse.of(memberships.change(communityId, caller, accountId, r.role(), r.status()));
    }

    @Access(Access.Who.MANAGER)
    @DELETE
    @Path("/communities/{communityId}/members/{accountId}")
    @Timed
    @Refusal(status = 403, codes = {"owner_protected"})
    @Refusal(status = 409, codes = {"invalid_status_change", "last_owner", "not_active"})
    @Operation(operationId = "removeMember", summary = "Remove a member, or leave (your own account id)", description = "204. In the same "
            + "transaction the member's seats at members-only events still open are cancelled (their tickets revoked, "
            + "the freed seats go to the waitlist; public events keep theirs), their door-staff grants end and their "
            + "membership card is revoked. 403 not an owner "
            + "or admin, or an admin removing an owner; 404 not a member, or no such member; 409 last_owner.")
    public Response remove(@PathParam("communityId") UUID communityId, @PathParam("accountId") UUID accountId,
                           @Context SecurityContext context) {
        memberships.remove(communityId, CurrentAccount.require(context).accountId(), accountId);
        return Response.noContent().build();
    }
}
