package com.koomy.api.events;

import jakarta.annotation.Nullable;
import com.koomy.errors.ApiException;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.AccountPrincipal;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.api.http.ListParams;
import com.koomy.db.KeysetCursor;
import com.koomy.db.Page;
import com.koomy.events.Event;
import com.koomy.events.Events;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
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
import java.util.UUID;
import com.koomy.api.docs.Refusal;

/**
 * Events (issue 5): owners and admins create, edit and cancel them; members (and anyone, for the
 * public events of a public community) list and read them. Rooted at {@code /api} like the other
 * community resources.
 */
@Path("/api")
@Tag(name = "events")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class EventsResource {

    /** One line of printable text that is not blank. */
    static final String LINE = "(?=.*\\S)[^\\p{Cc}]*";
    /** PostgreSQL text cannot hold NUL. */
    static final String TEXT = "[^\\x00]*";
    static final String PLACE = "[^\\p{Cc}]*";

    private final Events events;

    public EventsResource(Events events) {
        this.events = events;
    }

    public record CreateEventRequest(@NotNull @Size(min = 1, max = 200) @Pattern(regexp = LINE, message = "must be one line of text, not blank") String title,
                                     @Size(max = 20_000) @Pattern(regexp = TEXT, message = "must not contain the character U+0000") String description,
                                     @Size(max = 500) @Pattern(regexp = PLACE, message = "must be one line of text") String place,
                                     @NotNull Instant startsAt, @NotNull Instant endsAt,
                                     @NotNull @Size(min = 1, max = 64) String timeZone,
                                     @Min(1) @Max(1_000_000) Integer capacity,
                                     @Pattern(regexp = "members|public", message = "must be members or public") String visibility,
                                     @Min(1) @Max(10) Integer ticketsPerAccount,
                                     Integer price) implements EventInput {
    }

    /** Absent (or null) fields are left unchanged. */
    public record UpdateEventRequest(@Size(min = 1, max = 200) @Pattern(regexp = LINE, message = "must be one line of text, not blank") String title,
                                     @Size(max = 20_000) @Pattern(regexp = TEXT, message = "must not contain the character U+0000") String description,
                                     @Size(max = 500) @Pattern(regexp = PLACE, message = "must be one line of text") String place,
                                     Instant startsAt, Instant endsAt,
                                     @Size(min = 1, max = 64) String timeZone,
                                     @Min(1) @Max(1_000_000) Integer capacity,
                                     @Pattern(regexp = "members|public", message = "must be members or public") String visibility,
                                     @Min(1) @Max(10) Integer ticketsPerAccount,
                                     Integer price) implements EventInput {
    }

    public record EventResponse(UUID id, UUID communityId, String title, String description, String place,
                                Instant startsAt, Instant endsAt, String timeZone, @Nullable Integer capacity, String visibility,
                                int ticketsPerAccount, int price, String status, int registered, int waitlisted,
                                @Nullable Integer seatsLeft, Instant createdAt, Instant updatedAt, @Nullable Instant cancelledAt) {
        static EventResponse of(Event e) {
            return new EventResponse(e.id(), e.communityId(), e.title(), e.description(), e.place(), e.startsAt(),
                    e.endsAt(), e.timeZone(), e.capacity(), e.visibility(), e.ticketsPerAccount(), e.priceCents(),
                    e.status(), e.confirmedCount(), e.waitlistedCount(), e.seatsLeft(), e.createdAt(), e.updatedAt(),
                    e.cancelledAt());
        }
    }

    /** List items: no description. */
    public record EventSummary(UUID id, String title, String place, Instant startsAt, Instant endsAt, String timeZone,
                               @Nullable Integer capacity, String visibility, String status, int registered, @Nullable Integer seatsLeft) {
        static EventSummary of(Event e) {
            return new EventSummary(e.id(), e.title(), e.place(), e.startsAt(), e.endsAt(), e.timeZone(), e.capacity(),
                    e.visibility(), e.status(), e.confirmedCount(), e.seatsLeft());
        }
    }

    @Access(Access.Who.MANAGER)
    @POST
    @Path("/communities/{communityId}/events")
    @Timed
    @Refusal(status = 402, codes = {"plan_limit_reached"})
    @Refusal(status = 409, codes = {"community_archived"})
    @Refusal(status = 422, codes = {"paid_events_unsupported", "private_community"})
    @Refusal(status = 403, codes = {"not_in_plan"})
    @Operation(operationId = "createEvent", summary = "Create an event", description = "Owners and admins. 201 with the event. visibility members "
            + "(default) or public (public communities only); capacity null: no limit; ticketsPerAccount 1-10 (default 1: "
            + "one ticket per member; more: guests); price must be 0 (422 paid_events_unsupported). 403 other members; "
            + "404 not a member; 400 unknown field or bad values (validation_failed: endsAt after startsAt, IANA timeZone); 422 private_community (public events of a private community). 402 plan_limit_reached when the plan's limit is reached. 409 community_archived: the community is archived (read-only).")
    @ApiResponse(responseCode = "201", description = "The event", content = @Content(mediaType = "application/json", schema = @Schema(implementation = EventResponse.class)))
    public Response create(@PathParam("communityId") UUID communityId, @Valid @NotNull CreateEventRequest r,
                           @Context SecurityContext context) {
        Event event = events.create(communityId, CurrentAccount.require(context).accountId(), r.fields());
        return Response.status(201).entity(EventResponse.of(event)).build();
    }

    @Access(Access.Who.ANYONE)
    @GET
    @Path("/communities/{communityId}/events")
    @Timed
    @Refusal(status = 400, codes = {"invalid_cursor", "invalid_limit", "invalid_when"})
    @Refusal(status = 409, codes = {"capacity_below_confirmed"})
    @Operation(operationId = "listEvents", summary = "A community's events", description = "200 {items: [{id, title, place, startsAt, endsAt, "
            + "timeZone, capacity, visibility, status, registered, seatsLeft}], nextCursor}. when=upcoming (default: not "
            + "ended, soonest first) or past (latest first). Active members see every event; anyone else the public "
            + "events of a public community. 400 bad when, limit or cursor; 404 a private community's to non-members.")
    public Page<EventSummary> list(@PathParam("communityId") UUID communityId, @QueryParam("when") String when,
                                   @QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
                                   @Context SecurityContext context) {
        if (when != null && !"upcoming".equals(when) && !"past".equals(when)) {
            throw ApiException.invalidField("invalid_when", "when", "must be upcoming or past");
        }
        int size = ListParams.limit(limit);
        KeysetCursor after = timeCursor(cursor);
        Page<Event> page = events.list(communityId, caller(context), "past".equals(when), size, after);
        return new Page<>(page.items().stream().map(EventSummary::of).toList(), page.nextCursor());
    }

    @Access(Access.Who.ANYONE)
    @GET
    @Path("/events/{eventId}")
    @Timed
    @Refusal(status = 404, codes = {"event_not_found"})
    @Operation(operationId = "getEvent", summary = "An event", description = "200 with the event (registered = confirmed seats, waitlisted, "
            + "seatsLeft). 404 event_not_found for an unknown event or one the caller may not see (members-only events "
            + "are for active members; public ones of public communities for anyone).")
    public EventResponse get(@PathParam("eventId") UUID eventId, @Context SecurityContext context) {
        return EventResponse.of(events.get(eventId, caller(context)));
    }

    @Access(Access.Who.MANAGER)
    @PATCH
    @Path("/events/{eventId}")
    @Timed
    @Refusal(status = 409, codes = {"capacity_below_confirmed", "event_cancelled"})
    @Operation(operationId = "updateEvent", summary = "Edit an event", description = "Owners and admins. 200 with the event. A larger capacity "
            + "confirms waitlisted seats (oldest first, ticket emails queued); 409 capacity_below_confirmed below the "
            + "seats already confirmed, event_cancelled for a cancelled event. 403 other members; 404 not a member; "
            + "400 unknown field or bad values.")
    public EventResponse update(@PathParam("eventId") UUID eventId, @Valid @NotNull UpdateEventRequest r,
                                @Context SecurityContext context) {
        return EventResponse.of(events.update(eventId, CurrentAccount.require(context).accountId(), r.fields()));
    }

    @Access(Access.Who.MANAGER)
    @POST
    @Path("/events/{eventId}/cancel")
    @Timed
    @Refusal(status = 400, codes = {"invalid_cursor"})
    @Refusal(status = 409, codes = {"capacity_below_confirmed"})
    @Operation(operationId = "cancelEvent", summary = "Cancel an event", description = "Owners and admins. 200 with the event, cancelled, and every "
            + "seat cancelled: its tickets are refused (revoked) at the door. Cancelling again changes nothing. 403 "
            + "other members; 404 not a member.")
    public EventResponse cancel(@PathParam("eventId") UUID eventId, @Context SecurityContext context) {
        return EventResponse.of(events.cancel(eventId, CurrentAccount.require(context).accountId()));
    }

    /** A keyset cursor whose text is an instant (event start), or 400 invalid_cursor. */
    static KeysetCursor timeCursor(String cursor) {
        KeysetCursor after = ListParams.cursor(cursor);
        if (after != null) {
            try {
                Instant.parse(after.text());
            } catch (DateTimeParseException e) {
                throw KeysetCursor.invalid();
            }
        }
        return after;
    }

    static UUID caller(SecurityContext context) {
        return context != null && context.getUserPrincipal() instanceof AccountPrincipal p ? p.accountId() : null;
    }
}
