package com.koomy.api.stripe;

import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.errors.ApiException;
import com.koomy.stripe.events.StripeEvent;
import com.koomy.stripe.events.StripeEventDao;
import jakarta.annotation.Nullable;
import com.koomy.stripe.events.StripeEventReplays;
import com.koomy.stripe.events.StripeEventStatus;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import com.koomy.api.docs.Refusal;

/**
 * Operators and Stripe events: the failed and refused ones (with why), and replaying one once its cause
 * is fixed. Behind {@link com.koomy.api.ops.OperatorAuthFilter} like every /api/ops route.
 */
@Access(Access.Who.OPERATOR)
@Path("/api/ops/stripe/events")
@Tag(name = "ops")
@Produces(MediaType.APPLICATION_JSON)
public class OpsStripeEventsResource {

    private final Jdbi jdbi;
    private final StripeEventReplays replays;

    public OpsStripeEventsResource(Jdbi jdbi, StripeEventReplays replays) {
        this.jdbi = jdbi;
        this.replays = replays;
    }

    public record EventView(String eventId, String type, @Nullable String account, boolean livemode, Instant stripeCreated,
                            Instant receivedAt, String status, int attempts, @Nullable String lastError) {
        static EventView of(StripeEvent e) {
            return new EventView(e.eventId(), e.type(), e.account(), e.livemode(), e.stripeCreated(), e.receivedAt(),
                    e.status().name(), e.attempts(), e.lastError());
        }
    }

    /** A replayed event, queued again. */
    public record Replayed(String eventId, String status) {
    }

    @GET
    @Timed
    @Refusal(status = 400, codes = {"invalid_limit", "invalid_status"})
    @Operation(operationId = "listStripeEvents", summary = "Stripe events by status, newest first", description = "status (default failed): received, "
            + "processing, processed, failed, ignored, refused; limit 1-200 (default 50). 400 invalid_status, invalid_limit. "
            + "Operator only.")
    public Map<String, List<EventView>> list(@QueryParam("status") @DefaultValue("failed") @io.swagger.v3.oas.annotations.Parameter(
                                                     schema = @io.swagger.v3.oas.annotations.media.Schema(allowableValues = {
                                                             "received", "processing", "processed", "failed", "ignored",
                                                             "refused"}, defaultValue = "failed")) String status,
                                             @QueryParam("limit") @DefaultValue("50") int limit) {
        if (Arrays.stream(StripeEventStatus.values()).noneMatch(s -> s.name().equals(status))) {
            throw ApiException.invalidField("invalid_status", "status", "must be one of "
                    + Arrays.stream(StripeEventStatus.values()).map(Enum::name).collect(java.util.stream.Collectors.joining(", ")));
        }
        if (limit < 1 || limit > 200) {
            throw ApiException.invalidField("invalid_limit", "limit", "must be between 1 and 200");
        }
        return Map.of("items", jdbi.withExtension(StripeEventDao.class, dao -> dao.byStatus(status, limit)).stream()
                .map(EventView::of).toList());
    }

    @POST
    @Path("/{eventId}/replay")
    @Timed
    @Refusal(status = 409, codes = {"conflict", "no_json_payload"})
    @Operation(operationId = "replayStripeEvent", summary = "Replay a failed or refused Stripe event", description = "Queues it again; a worker applies it "
            + "as the first time (never twice what was applied). 202 {eventId, status: received}. 404 not_found (unknown "
            + "event); 409 conflict when it is not failed or refused, or (no_json_payload) when only its raw text could be stored. Operator only.")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "202", description = "Queued again: {eventId, status}",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
                    schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = Replayed.class)))
    public jakarta.ws.rs.core.Response replay(@PathParam("eventId") String eventId) {
        return switch (replays.replay(eventId)) {
            case REPLAYED -> jakarta.ws.rs.core.Response.status(202)
                    .entity(new Replayed(eventId, StripeEventStatus.received.name())).build();
            case NOT_FOUND -> throw new ApiException(404, "not_found", "no Stripe event " + eventId);
            case NOT_REPLAYABLE -> throw new ApiException(409, "conflict", "only a failed or refused event can be replayed");
            case NO_JSON_PAYLOAD -> throw new ApiException(409, "no_json_payload", "PostgreSQL refused this event's payload "
                    + "even cleaned: only its raw text is stored (raw_payload), so it cannot be applied; see lastError");
        };
    }
}
