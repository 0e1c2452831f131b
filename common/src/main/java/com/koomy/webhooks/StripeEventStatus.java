package com.koomy.webhooks;

/** Where a stored Stripe event stands. Values match the CHECK constraint of {@code stripe_events}. */
public enum StripeEventStatus {
    /** Stored; its processing is in the outbox or the job queue. */
    received,
    /** A worker has taken it; stays here between retries. */
    processing,
    /** A handler applied it. */
    processed,
    /** Retries exhausted; {@code last_error} says why. Replay from the dashboard or the ops API. */
    failed,
    /** No handler for its type: kept for the record, nothing to apply. */
    ignored
}
