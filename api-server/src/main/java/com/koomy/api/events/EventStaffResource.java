package com.koomy.api.events;

import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.events.EventStaff;
import com.koomy.events.EventStaffDao;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import com.koomy.api.docs.Refusal;

/** Door staff of an event (issue 5): who may scan there besides owners and admins. */
@Path("/api")
@Tag(name = "check-in")
@Produces(MediaType.APPLICATION_JSON)
public class EventStaffResource {

    private final EventStaff staff;

    public EventStaffResource(EventStaff staff) {
        this.staff = staff;
    }

    @Access(Access.Who.MANAGER)
    @GET
    @Path("/events/{eventId}/staff")
    @Timed
    @Operation(operationId = "listDoorStaff", summary = "Door staff of an event", description = "Owners and admins. 200 {items: [{accountId, name, "
            + "email, grantedBy, grantedAt}]} (at most 500). 403 other members; 404 not a member.")
    public Map<String, List<EventStaffDao.StaffMember>> list(@PathParam("eventId") UUID eventId,
                                                             @Context SecurityContext context) {
        return Map.of("items", staff.list(eventId, CurrentAccount.require(context).accountId()));
    }

    @Access(Access.Who.MANAGER)
    @PUT
    @Path("/events/{eventId}/staff/{accountId}")
    @Timed
    @Refusal(status = 409, codes = {"not_active_member"})
    @Operation(operationId = "grantDoorStaff", summary = "Make a member door staff", description = "Owners and admins. 201 when granted, 200 when it "
            + "already was: the member may scan tickets, read the check-in bundle and the live counts of this event. "
            + "409 not_active_member; 403 other members; 404 not a member.")
    @ApiResponse(responseCode = "201", description = "Granted: {eventId, accountId}", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Grant.class)))
    @ApiResponse(responseCode = "200", description = "Already door staff: {eventId, accountId}", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Grant.class)))
    public Response grant(@PathParam("eventId") UUID eventId, @PathParam("accountId") UUID accountId,
                          @Context SecurityContext context) {
        boolean granted = staff.grant(eventId, CurrentAccount.require(context).accountId(), accountId);
        return Response.status(granted ? 201 : 200).entity(new Grant(eventId, accountId)).build();
    }

    /** Door staff rights on an event. */
    public record Grant(@Schema(requiredMode = io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED) UUID eventId, @Schema(requiredMode = io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED) UUID accountId) {
    }

    @Access(Access.Who.MANAGER)
    @DELETE
    @Path("/events/{eventId}/staff/{accountId}")
    @Timed
    @Refusal(status = 404, codes = {"staff_not_found"})
    @Operation(operationId = "revokeDoorStaff", summary = "Take door staff rights back", description = "Owners and admins. 204; scans by that account "
            + "are refused within 5 s on every API instance. 404 staff_not_found; 403 other members.")
    public Response revoke(@PathParam("eventId") UUID eventId, @PathParam("accountId") UUID accountId,
                           @Context SecurityContext context) {
        staff.revoke(eventId, CurrentAccount.require(context).accountId(), accountId);
        return Response.noContent().build();
    }
}
