package com.koomy.api.stripe;

import com.koomy.api.ratelimit.RateLimited;
import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.ExceptionMetered;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.http.BodyLimit;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import com.koomy.api.docs.Refusal;

/**
 * {@code POST /api/webhooks/stripe} (R1). Verifies the signature on the raw body, stores the event
 * and its outbox entry in one statement (grouped with concurrent deliveries: {@link StripeEventIngest}),
 * and answers 200 only after that commit; it never waits for processing. A redelivery answers 200 and
 * writes nothing. If the event cannot be stored the answer is 503, so Stripe retries. The usual
 * request is answered before Jersey by {@link StripeWebhookFastRoute}, which does the same.
 */
@Access(Access.Who.ANYONE)
@Path("/api/webhooks/stripe")
@Tag(name = "webhooks")
public class StripeWebhookResource {

    private final StripeWebhookIntake intake;

    public StripeWebhookResource(StripeWebhookIntake intake) {
        this.intake = intake;
    }

    @RateLimited(RateLimited.NONE)
    @POST
    @Refusal(status = 503, codes = {"storage_unavailable", "webhooks_not_configured"})
    @Refusal(status = 400, codes = {"invalid_event", "invalid_signature", "missing_signature"})
    @Operation(operationId = "receiveStripeEvent", summary = "Receive a Stripe event (Stripe calls this)",
            description = "Verifies Stripe-Signature on the raw body (tolerance 300 s; any configured secret), "
                    + "stores the event once by its id and queues its processing. 200 once stored (also for a "
                    + "redelivery, with duplicate=true); 400 bad or missing signature, not JSON or not an event; "
                    + "413 over 1 MiB; 503 when it cannot be stored, so that Stripe retries.",
            responses = {@ApiResponse(responseCode = "200", description = "stored (or already stored)", content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "object"))),
                    @ApiResponse(responseCode = "400", description = "refused; nothing stored"),
                    @ApiResponse(responseCode = "413", description = "body over the limit"),
                    @ApiResponse(responseCode = "503", description = "not stored; retry")})
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Timed
    @ExceptionMetered
    public Response receive(@HeaderParam("Stripe-Signature") @io.swagger.v3.oas.annotations.Parameter(required = true,
                                    description = "Stripe's signature of the raw body (t=...,v1=...)") String signature,
                            @RequestBody(required = true, description = "the event exactly as Stripe sent it", content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "object"))) InputStream body) throws IOException {
        // Read one byte past the limit rather than trust Content-Length: answering before the client
        // has sent its body makes it fail on a broken pipe instead of reading our 413.
        byte[] raw = BodyLimit.read(body, intake.maxBodyBytes());
        if (raw == null) {
            return BodyLimit.tooLarge(intake.maxBodyBytes());
        }
        return Response.ok(intake.receive(raw, signature)).build();
    }
}
