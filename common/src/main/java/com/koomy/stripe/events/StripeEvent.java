package com.koomy.stripe.events;

import com.koomy.webhooks.ApplyStripeEvents;

import java.time.Instant;

/**
 * A Stripe event as stored. {@code payload} is the raw JSON Stripe sent, so handlers read exactly
 * what Stripe signed.
 */
public record StripeEvent(
        String eventId,
        String type,
        boolean livemode,
        String account,
        String apiVersion,
        Instant stripeCreated,
        String payload,
        Instant receivedAt,
        StripeEventStatus status,
        int attempts,
        String lastError,
        Instant processedAt) {

    /**
     * Outbox kind of an event to apply on its own, in a job of its own with JobRunr's retries: a
     * replay, or an event whose batch could not apply it. The ref is the event id, with a
     * {@code #suffix} when the event was queued again.
     */
    public static final String OUTBOX_KIND = "stripe_event";

    /** Outbox kind of an event just received: the relay groups these into {@link ApplyStripeEvents} jobs. */
    public static final String RECEIVED_OUTBOX_KIND = "stripe_event_received";
}
