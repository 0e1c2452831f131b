package com.koomy.api.email;

import com.koomy.api.ratelimit.RateLimited;
import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.ExceptionMetered;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.http.BodyLimit;
import com.koomy.email.EmailSuppressions;
import com.koomy.email.sendgrid.SendGridEvent;
import com.koomy.email.sendgrid.SendGridEventBatchResult;
import com.koomy.errors.ApiException;
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
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import com.koomy.api.docs.Refusal;

/**
 * {@code POST /api/webhooks/sendgrid} (issue 3). Verifies SendGrid's signature on the raw body, then
 * stores every event of the batch and applies bounces, drops, spam reports and unsubscribes to the
 * suppression list in one transaction; it answers 200 only after that commit. A redelivered batch
 * answers 200 and changes nothing. If the batch cannot be stored the answer is 503, so SendGrid retries.
 */
@Access(Access.Who.ANYONE)
@Path("/api/webhooks/sendgrid")
@Tag(name = "webhooks")
public class SendGridWebhookResource {

    /** SendGrid posts a batch when it reaches 768 KB or 30 s; 1 MiB leaves room for a JSON-heavy one. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(SendGridWebhookResource.class);

    private final Jdbi jdbi;
    private final SendGridSignatureVerifier verifier;
    private final SendGridEventParser parser;
    private final int maxBodyBytes;

    public SendGridWebhookResource(Jdbi jdbi, SendGridSignatureVerifier verifier, SendGridEventParser parser,
                                   int maxBodyBytes) {
        this.jdbi = jdbi;
        this.verifier = verifier;
        this.parser = parser;
        this.maxBodyBytes = maxBodyBytes;
    }

    @RateLimited(RateLimited.NONE)
    @POST
    @Refusal(status = 400, codes = {"invalid_event", "invalid_signature", "missing_signature", "stale_signature"})
    @Refusal(status = 503, codes = {"storage_unavailable", "webhook_not_configured"})
    @Operation(operationId = "receiveSendGridEvents", summary = "Receive a batch of SendGrid email events (SendGrid calls this)",
            description = "Verifies X-Twilio-Email-Event-Webhook-Signature (ECDSA over the timestamp header and the "
                    + "raw body; timestamp within 300 s), stores each event once by sg_event_id and updates the "
                    + "suppression list: bounces, address drops and spam reports stop every email, unsubscribes "
                    + "stop bulk mail, a group resubscribe lifts a group unsubscribe. 200 once stored (also for a "
                    + "redelivery); 400 bad, missing or stale signature, or not a JSON array of events; 413 over "
                    + "1 MiB; 503 when no verification key is configured or the batch cannot be stored.",
            responses = {@ApiResponse(responseCode = "200", description = "stored (or already stored)", content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "object"))),
                    @ApiResponse(responseCode = "400", description = "refused; nothing stored"),
                    @ApiResponse(responseCode = "413", description = "body over the limit"),
                    @ApiResponse(responseCode = "503", description = "not configured, or not stored; retry")})
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Timed
    @ExceptionMetered
    public Response receive(@HeaderParam(SendGridSignatureVerifier.SIGNATURE_HEADER) String signature,
                            @HeaderParam(SendGridSignatureVerifier.TIMESTAMP_HEADER) String timestamp,
                            @RequestBody(description = "the JSON array of events exactly as SendGrid sent it", content = @io.swagger.v3.oas.annotations.media.Content(array = @io.swagger.v3.oas.annotations.media.ArraySchema(schema = @io.swagger.v3.oas.annotations.media.Schema(type = "object"))))
                            InputStream body) throws IOException {
        // As for Stripe: read one byte past the limit rather than trust Content-Length.
        byte[] raw = BodyLimit.read(body, maxBodyBytes);
        if (raw == null) {
            return BodyLimit.tooLarge(maxBodyBytes);
        }
        verifier.verify(raw, signature, timestamp);
        List<SendGridEvent> events = parser.parse(raw);
        SendGridEventBatchResult result;
        try {
            result = jdbi.inTransaction(handle -> EmailSuppressions.record(handle, events));
        } catch (RuntimeException e) {
            LOG.error("Could not store a batch of {} SendGrid events; answering 503 so that SendGrid retries",
                    events.size(), e);
            throw new ApiException(503, "storage_unavailable", "the events could not be stored; retry later");
        }
        return Response.ok(Map.of("received", result.received(), "stored", result.stored(),
                "duplicates", result.duplicates(), "suppressed", result.suppressed(), "lifted", result.lifted())).build();
    }
}
