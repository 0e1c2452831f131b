package com.koomy.api.stripe;

import com.koomy.errors.ApiException;
import com.koomy.stripe.events.IncomingStripeEvent;

import java.nio.charset.StandardCharsets;

/**
 * What {@code POST /api/webhooks/stripe} does with a body once it is read, shared by the resource
 * and by {@link StripeWebhookFastRoute} (the same route answered before Jersey): verify the signature,
 * read the event, store it with its outbox row through the group commit. Every refusal is an
 * {@link ApiException} thrown before anything is stored.
 */
public class StripeWebhookIntake {

    /** What the answer says: the event's id and whether it had been stored before (a redelivery). */
    public record Received(boolean received, String eventId, boolean duplicate) {
    }

    private final StripeSignatureVerifier verifier;
    private final StripeEventParser parser;
    private final StripeEventIngest ingest;
    private final int maxBodyBytes;

    public StripeWebhookIntake(StripeSignatureVerifier verifier, StripeEventParser parser, StripeEventIngest ingest,
                               int maxBodyBytes) {
        this.verifier = verifier;
        this.parser = parser;
        this.ingest = ingest;
        this.maxBodyBytes = maxBodyBytes;
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    public Received receive(byte[] raw, String signature) {
        String payload = new String(raw, StandardCharsets.UTF_8);
        verifier.verify(payload, signature);
        IncomingStripeEvent event = parser.parse(payload);
        try {
            return new Received(true, event.eventId(), !ingest.store(event));
        } catch (StripeEventIngest.NotStored e) {
            throw new ApiException(503, "storage_unavailable", "the event could not be stored; retry later");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "storage_unavailable", "the event could not be stored; retry later");
        }
    }
}
