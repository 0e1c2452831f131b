package com.koomy.billing;

import java.time.Instant;
import java.util.UUID;

/** A community's plan as last synced from its Stripe subscription (none: the free plan). */
public record Subscription(
        UUID communityId,
        String plan,
        String stripeCustomerId,
        String subscriptionId,
        String priceId,
        String status,
        Instant currentPeriodEnd,
        boolean cancelAtPeriodEnd,
        String latestInvoiceId,
        String latestInvoiceStatus,
        Instant syncedAt) {
}
