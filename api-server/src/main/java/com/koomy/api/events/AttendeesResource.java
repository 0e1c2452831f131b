package com.koomy.api.events;

import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.api.auth.Access;
import com.koomy.api.http.ListParams;
import com.koomy.csv.Csv;
import com.koomy.db.Page;
import com.koomy.errors.ApiException;
import com.koomy.events.Attendee;
import com.koomy.events.AttendeeQuery;
import com.koomy.events.Attendees;
import com.koomy.events.Registrations;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
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
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.StreamingOutput;

import java.util.UUID;
import com.koomy.api.docs.Refusal;

/**
 * An event's attendees for its organisers (issue 21, pretix's check-in lists): the list with status,
 * admission and gate, its CSV, no-shows, and the waitlist promoted by hand. Seats are cancelled with
 * {@code DELETE /api/events/{eventId}/registrations/{ticketId}} (RegistrationsResource), owners and admins included.
 */
@Path("/api")
@Tag(name = "events")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class AttendeesResource {

    private final Attendees attendees;
    private final Registrations registrations;

    public AttendeesResource(Attendees attendees, Registrations registrations) {
        this.attendees = attendees;
        this.registrations = registrations;
    }

    public record PromoteRequest(Boolean raiseCapacity) {
    }

    @Access(Access.Who.DOOR_STAFF)
    @GET
    @Path("/events/{eventId}/registrations")
    @Timed
    @Refusal(status = 400, codes = {"invalid_checkedIn", "invalid_cursor", "invalid_gate", "invalid_limit", "invalid_noShow", "invalid_status"})
    @Refusal(status = 404, codes = {"event_not_found"})
    @Operation(operationId = "listEventAttendees", summary = "The event's attendees, in registration order",
            description = "Owners, admins and the event's door staff: 200 {items: [{ticketId, accountId, name, email, "
                    + "guestName, status (confirmed, waitlisted, cancelled), waitlistPosition, registeredAt, confirmedAt, "
                    + "cancelledAt, checkedInAt, gate, noShowAt}], nextCursor}; limit 1-100 (default 20). Filters: status, "
                    + "checkedIn (true, false), gate, noShow (true, false). 400 bad limit or cursor, invalid_status, "
                    + "invalid_checkedIn, invalid_noShow, invalid_gate; 403 other members; 404 event_not_found.")
    public Page<Attendee> list(@PathParam("eventId") UUID eventId, @QueryParam("limit") String limit,
                               @QueryParam("cursor") String cursor, @QueryParam("status") String status,
                               @QueryParam("checkedIn") String checkedIn, @QueryParam("gate") String gate,
                               @QueryParam("noShow") String noShow, @Context SecurityContext context) {
        return attendees.page(eventId, CurrentAccount.require(context).accountId(), query(status, checkedIn, gate, noShow),
                ListParams.limit(limit), ListParams.cursor(cursor));
    }

    @Access(Access.Who.DOOR_STAFF)
    @GET
    @Path("/events/{eventId}/registrations/export.csv")
    @Produces({Csv.MEDIA_TYPE, "application/json"})
    @Timed
    @Refusal(status = 404, codes = {"event_not_found"})
    @Refusal(status = 400, codes = {"invalid_checkedIn", "invalid_gate", "invalid_noShow", "invalid_status"})
    @Operation(operationId = "exportEventAttendees", summary = "The event's attendees as CSV",
            description = "Owners, admins and the event's door staff: 200 text/csv (ticket_id, account_id, name, email, "
                    + "guest_name, status, waitlist_position, registered_at, confirmed_at, cancelled_at, checked_in_at, gate, "
                    + "no_show_at), the list's filters, written a page at a time. 400 as the list; 403; 404 event_not_found.")
    public Response csv(@PathParam("eventId") UUID eventId, @QueryParam("status") String status,
                        @QueryParam("checkedIn") String checkedIn, @QueryParam("gate") String gate,
                        @QueryParam("noShow") String noShow, @Context SecurityContext context) {
        AttendeeQuery query = query(status, checkedIn, gate, noShow);
        // Refusals must be answered before the 200 and its first bytes go out.
        attendees.requireAllowed(eventId, CurrentAccount.require(context).accountId());
        StreamingOutput body = out -> attendees.writeCsv(eventId, query, out);
        return Response.ok(body, Csv.MEDIA_TYPE)
                .header("Content-Disposition", "attachment; filename=\"attendees-" + eventId + ".csv\"")
                .header("Cache-Control", "no-store")
                .build();
    }

    @Access(Access.Who.MANAGER)
    @POST
    @Path("/events/{eventId}/registrations/{ticketId}/no-show")
    @Timed
    @Refusal(status = 404, codes = {"event_not_found", "ticket_not_found"})
    @Refusal(status = 409, codes = {"already_checked_in", "not_confirmed"})
    @Operation(operationId = "markNoShow", summary = "Mark a confirmed seat as a no-show",
            description = "Owners and admins: 200 with the attendee, noShowAt set (again: unchanged). 403 door staff and "
                    + "other members; 404 event_not_found, ticket_not_found; 409 not_confirmed, already_checked_in.")
    @ApiResponse(responseCode = "200", description = "The attendee",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Attendee.class)))
    public Attendee noShow(@PathParam("eventId") UUID eventId, @PathParam("ticketId") UUID ticketId,
                           @Context SecurityContext context) {
        return attendees.markNoShow(eventId, CurrentAccount.require(context).accountId(), ticketId);
    }

    @Access(Access.Who.MANAGER)
    @POST
    @Path("/events/{eventId}/registrations/{ticketId}/promote")
    @Timed
    @Refusal(status = 400, codes = {"invalid_gate", "invalid_status"})
    @Refusal(status = 404, codes = {"event_not_found", "ticket_not_found"})
    @Refusal(status = 409, codes = {"already_checked_in", "already_registered", "event_cancelled", "event_ended", "event_full", "not_confirmed", "not_waitlisted"})
    @Refusal(status = 503, codes = {"card_keys_not_configured"})
    @Operation(operationId = "promoteFromWaitlist", summary = "Give a waitlisted person a seat, out of turn",
            description = "Owners and admins: 200 with the confirmed ticket (emailed), as registering answers it. When the "
                    + "event is full, {raiseCapacity: true} adds the seat to its capacity. 403 other members; 404 "
                    + "event_not_found, ticket_not_found; 409 not_waitlisted, event_full, event_cancelled, event_ended; 503 "
                    + "card_keys_not_configured.")
    @ApiResponse(responseCode = "200", description = "The confirmed ticket", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = RegistrationsResource.RegistrationResponse.class)))
    public RegistrationsResource.RegistrationResponse promote(@PathParam("eventId") UUID eventId,
                                                              @PathParam("ticketId") UUID ticketId,
                                                              @Valid PromoteRequest r, @Context SecurityContext context) {
        return RegistrationsResource.RegistrationResponse.of(registrations.promote(eventId,
                CurrentAccount.require(context).accountId(), ticketId, r != null && Boolean.TRUE.equals(r.raiseCapacity())), false);
    }

    private static AttendeeQuery query(String status, String checkedIn, String gate, String noShow) {
        return new AttendeeQuery(blankToNull(status), bool("checkedIn", checkedIn), blankToNull(gate), bool("noShow", noShow))
                .validate();
    }

    private static Boolean bool(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (!"true".equals(value) && !"false".equals(value)) {
            throw ApiException.invalidField("invalid_" + name, name, "must be true or false");
        }
        return Boolean.valueOf(value);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
