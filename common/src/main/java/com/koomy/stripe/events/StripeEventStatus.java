package com.koomy.stripe.events;

/** Where a stored Stripe event stands. Values match the CHECK constraint of {@code stripe_events}. */
public enum StripeEventStatus {
    /** Stored; its processing is in the outbox or the job queue. */
    received,
    /** An attempt failed ({@code last_error} says why); a retry is pending. */
    processing,
    /** A handler applied it. */
    processed,
    /** Retries exhausted; {@code last_error} says why. Replay from the dashboard or the ops API. */
    failed,
    /** No handler for its type: kept for the record, nothing to apply. */
    ignored,
    /** Must not be applied (metadata naming another community than its account, livemode mismatch); see last_error. */
    refused
}
