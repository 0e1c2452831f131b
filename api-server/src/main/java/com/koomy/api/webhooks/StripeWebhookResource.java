package com.koomy.api.webhooks;

import com.codahale.metrics.annotation.ExceptionMetered;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.http.ApiError;
import com.koomy.api.http.ApiException;
import com.koomy.webhooks.IncomingStripeEvent;
import com.koomy.webhooks.StripeEventDao;
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
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code POST /api/webhooks/stripe} (R1). Verifies the signature on the raw body, stores the event
 * and its outbox entry in one statement, and answers 200 only after that commit; it never waits for
 * processing. A redelivery answers 200 and writes nothing. If the event cannot be stored the answer
 * is 503, so Stripe retries.
 */
@Path("/api/webhooks/stripe")
public class StripeWebhookResource {

    private static final Logger LOG = LoggerFactory.getLogger(StripeWebhookResource.class);

    private final Jdbi jdbi;
    private final StripeSignatureVerifier verifier;
    private final StripeEventParser parser;
    private final int maxBodyBytes;

    public StripeWebhookResource(Jdbi jdbi, StripeSignatureVerifier verifier, StripeEventParser parser, int maxBodyBytes) {
        this.jdbi = jdbi;
        this.verifier = verifier;
        this.parser = parser;
        this.maxBodyBytes = maxBodyBytes;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Timed
    @ExceptionMetered
    public Response receive(@HeaderParam("Stripe-Signature") String signature,
                            @HeaderParam("Content-Length") Long contentLength, InputStream body) throws IOException {
        byte[] raw = contentLength != null && contentLength > maxBodyBytes ? null : body.readNBytes(maxBodyBytes + 1);
        if (raw == null || raw.length > maxBodyBytes) {
            // The rest of the body is unread: close the connection rather than let the client reuse it.
            return Response.status(413).header("Connection", "close").type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ApiError(413, "payload_too_large", "webhook body is larger than " + maxBodyBytes + " bytes"))
                    .build();
        }
        String payload = new String(raw, StandardCharsets.UTF_8);
        verifier.verify(payload, signature);
        IncomingStripeEvent event = parser.parse(payload);
        boolean stored;
        try {
            stored = jdbi.withExtension(StripeEventDao.class, dao -> dao.storeIfAbsent(event)).isPresent();
        } catch (RuntimeException e) {
            LOG.error("Could not store Stripe event {}; answering 503 so that Stripe retries", event.eventId(), e);
            throw new ApiException(503, "storage_unavailable", "the event could not be stored; retry later");
        }
        return Response.ok(Map.of("received", true, "eventId", event.eventId(), "duplicate", !stored)).build();
    }
}
