package com.koomy.webhooks;

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

    public static final String OUTBOX_KIND = "stripe_event";
}
