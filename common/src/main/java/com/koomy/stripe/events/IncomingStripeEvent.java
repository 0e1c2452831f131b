package com.koomy.stripe.events;

import java.time.Instant;

/** The fields of a verified Stripe event that we index, with the raw payload to keep. */
public record IncomingStripeEvent(
        String eventId,
        String type,
        boolean livemode,
        String account,
        String apiVersion,
        Instant created,
        String payload) {
}
