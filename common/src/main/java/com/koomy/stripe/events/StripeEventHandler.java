package com.koomy.stripe.events;

import org.jdbi.v3.core.Handle;

/**
 * Applies one type of Stripe event. Runs inside the transaction that marks the event processed:
 * write through {@code handle} so that the effect and the mark commit together or not at all, and
 * the effect happens once however often the job runs.
 */
@FunctionalInterface
public interface StripeEventHandler {
    void apply(Handle handle, StripeEvent event) throws Exception;
}
