package com.koomy.api.events;

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
import com.koomy.qr.QrCodes;
import com.koomy.events.MyTicket;
import com.koomy.events.MyTickets;
import com.koomy.events.MyTickets.MyTicketView;
import com.koomy.events.Registrations;
import com.koomy.events.Registrations.Registration;
import com.koomy.events.Ticket;
import com.koomy.events.TicketMail;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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

import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import com.koomy.api.docs.Refusal;

/**
 * Seats and tickets (issue 5): registering (a confirmed seat with its signed QR ticket, or a place on
 * the waitlist), cancelling, reissuing a ticket, and the caller's own tickets.
 */
@Path("/api")
@Tag(name = "events")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class RegistrationsResource {

    static final int QR_SIZE = 320;

    private final Registrations registrations;
    private final MyTickets myTickets;

    public RegistrationsResource(Registrations registrations, MyTickets myTickets) {
        this.registrations = registrations;
        this.myTickets = myTickets;
    }

    /** An empty body (or none) registers the caller; {@code guestName} asks for a seat for a guest. */
    public record RegisterRequest(@Size(min = 1, max = 200) @Pattern(regexp = EventsResource.LINE, message = "must be one line of text, not blank") String guestName) {
    }

    public record RegistrationResponse(UUID ticketId, UUID eventId, String status, int serial, String code,
                                       @Nullable String guestName, @Nullable String qr, @Nullable String qrPngBase64, @Nullable Integer waitlistPosition) {
        static RegistrationResponse of(Registration r, boolean png) {
            Ticket t = r.ticket();
            return new RegistrationResponse(t.id(), t.eventId(), t.status(), t.serial(), TicketMail.code(t), t.guestName(),
                    r.qr(), png && r.qr() != null ? Base64.getEncoder().encodeToString(QrCodes.png(r.qr(), QR_SIZE)) : null,
                    r.waitlistPosition());
        }
    }

    public record TicketResponse(UUID ticketId, String status, Instant cancelledAt) {
    }

    public record MyTicketResponse(UUID ticketId, UUID eventId, UUID communityId, String title, String place,
                                   Instant startsAt, Instant endsAt, String timeZone, String eventStatus, String status,
                                   int serial, @Nullable String guestName, @Nullable String qr) {
        static MyTicketResponse of(MyTicketView v) {
            MyTicket t = v.ticket();
            return new MyTicketResponse(t.id(), t.eventId(), t.communityId(), t.title(), t.place(), t.startsAt(),
                    t.endsAt(), t.timeZone(), t.eventStatus(), t.status(), t.serial(), t.guestName(), v.qr());
        }
    }

    @Access(Access.Who.MEMBER)
    @POST
    @Path("/events/{eventId}/registrations")
    @Timed
    @Refusal(status = 404, codes = {"event_not_found"})
    @Refusal(status = 409, codes = {"already_registered", "community_archived", "event_cancelled", "event_ended"})
    @Refusal(status = 503, codes = {"card_keys_not_configured"})
    @Operation(operationId = "registerForEvent", summary = "Register for an event", description = "Signed in; members-only events for active members. "
            + "201 {ticketId, status: confirmed, qr, qrPngBase64 (unless qr=false), code, serial} with the ticket, "
            + "also emailed; or 201 {ticketId, status: waitlisted, waitlistPosition} when the event is full (the seat is "
            + "confirmed and the ticket emailed as soon as one frees). Capacity is never exceeded. 409 already_registered "
            + "(one seat per account unless the event allows guests), event_cancelled, event_ended; 404 event_not_found; "
            + "503 card_keys_not_configured (nothing stored). 409 community_archived: the community is archived (read-only).")
    @ApiResponse(responseCode = "201", description = "The ticket and its QR", content = @Content(mediaType = "application/json", schema = @Schema(implementation = RegistrationResponse.class)))
    public Response register(@PathParam("eventId") UUID eventId, @Valid RegisterRequest r,
                             @QueryParam("qr") @jakarta.ws.rs.DefaultValue("true") boolean png,
                             @Context SecurityContext context) {
        Registration registration = registrations.register(eventId, CurrentAccount.require(context).accountId(),
                r == null ? null : r.guestName());
        return Response.status(201).entity(RegistrationResponse.of(registration, png)).build();
    }

    @Access(Access.Who.MEMBER)
    @DELETE
    @Path("/events/{eventId}/registrations/{ticketId}")
    @Timed
    @Refusal(status = 404, codes = {"event_not_found", "ticket_not_found"})
    @Operation(operationId = "cancelRegistration", summary = "Cancel a registration", description = "The seat's holder, or the community's owners and "
            + "admins. 200 {ticketId, status: cancelled, cancelledAt}; its QR codes are refused (revoked) from then on, "
            + "and a freed confirmed seat goes to the first on the waitlist (ticket emailed). Cancelling again changes "
            + "nothing. 404 ticket_not_found or event_not_found.")
    public TicketResponse cancel(@PathParam("eventId") UUID eventId, @PathParam("ticketId") UUID ticketId,
                                 @Context SecurityContext context) {
        Ticket t = registrations.cancel(eventId, CurrentAccount.require(context).accountId(), ticketId);
        return new TicketResponse(t.id(), t.status(), t.cancelledAt());
    }

    @Access(Access.Who.MEMBER)
    @POST
    @Path("/events/{eventId}/registrations/{ticketId}/reissue")
    @Timed
    @Refusal(status = 404, codes = {"ticket_not_found"})
    @Refusal(status = 409, codes = {"already_registered", "event_cancelled", "event_ended", "event_full", "not_confirmed"})
    @Refusal(status = 503, codes = {"card_keys_not_configured"})
    @Operation(operationId = "reissueTicket", summary = "Reissue a ticket", description = "The seat's holder, or owners and admins. 200 with the new "
            + "ticket (serial + 1, emailed); every earlier QR code of the seat is refused (revoked) from then on. 409 "
            + "not_confirmed for a waitlisted or cancelled seat, event_cancelled, event_ended; 404 ticket_not_found.")
    public RegistrationResponse reissue(@PathParam("eventId") UUID eventId, @PathParam("ticketId") UUID ticketId,
                                        @Context SecurityContext context) {
        return RegistrationResponse.of(registrations.reissue(eventId, CurrentAccount.require(context).accountId(), ticketId), true);
    }

    @Access(Access.Who.ACCOUNT)
    @GET
    @Path("/me/tickets")
    @Timed
    @Refusal(status = 400, codes = {"invalid_cursor", "invalid_limit", "invalid_when"})
    @Refusal(status = 409, codes = {"already_registered", "event_cancelled", "event_ended", "event_full", "not_confirmed"})
    @Refusal(status = 503, codes = {"card_keys_not_configured"})
    @Operation(operationId = "listMyTickets", summary = "My tickets", description = "Signed in. 200 {items: [{ticketId, eventId, communityId, title, "
            + "place, startsAt, endsAt, timeZone, eventStatus, status (confirmed, waitlisted), serial, guestName, qr}], "
            + "nextCursor}: when=upcoming (default; events not ended, soonest first) or past (latest first). qr is the "
            + "signed QR content of confirmed seats. 400 bad when, limit or cursor.")
    public Page<MyTicketResponse> mine(@QueryParam("when") String when, @QueryParam("limit") String limit,
                                       @QueryParam("cursor") String cursor, @Context SecurityContext context) {
        UUID caller = CurrentAccount.require(context).accountId();
        if (when != null && !"upcoming".equals(when) && !"past".equals(when)) {
            throw ApiException.invalidField("invalid_when", "when", "must be upcoming or past");
        }
        int size = ListParams.limit(limit);
        KeysetCursor after = EventsResource.timeCursor(cursor);
        Page<MyTicketView> page = myTickets.page(caller, "past".equals(when), size, after);
        return new Page<>(page.items().stream().map(MyTicketResponse::of).toList(), page.nextCursor());
    }
}
