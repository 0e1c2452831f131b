package com.koomy.webhooks;

/** How many stored events stand in one status. */
public record StatusCount(StripeEventStatus status, long count) {
}
