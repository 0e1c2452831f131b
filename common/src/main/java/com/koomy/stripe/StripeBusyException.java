package com.koomy.stripe;

/**
 * No slot of the shared Stripe rate limit came free within {@code stripe.maxLimitWait}: the call was not
 * made. Not retried by the gateway (the caller holds a thread); the API answers 503 stripe_busy with
 * Retry-After.
 */
public class StripeBusyException extends StripeCallException {

    private final long retryAfterSeconds;

    public StripeBusyException(String message, long retryAfterSeconds) {
        super(429, "stripe_busy", message, null);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
