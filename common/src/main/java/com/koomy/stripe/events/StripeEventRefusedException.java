package com.koomy.stripe.events;

/**
 * Thrown by a handler that must not apply an event at all: its metadata names another community than
 * the connected account it came from, it comes from an account we do not know, or its livemode is not
 * ours. The handler's writes are rolled back and the event is settled {@code refused} with the reason,
 * for an operator to read; it is not retried.
 */
public class StripeEventRefusedException extends RuntimeException {

    public StripeEventRefusedException(String reason) {
        super(reason);
    }
}
