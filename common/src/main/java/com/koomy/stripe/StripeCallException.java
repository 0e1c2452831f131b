package com.koomy.stripe;

/**
 * A Stripe call that did not succeed: {@code status} is Stripe's HTTP status (0 when no answer came),
 * {@code code} Stripe's error code when it sent one. Retryable means 429, 5xx or no answer: the same
 * call with the same idempotency key may be made again.
 */
public class StripeCallException extends RuntimeException {

    private final int status;
    private final String code;

    public StripeCallException(int status, String code, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public boolean retryable() {
        return status == 0 || status == 429 || status >= 500;
    }

    public boolean notFound() {
        return status == 404;
    }
}
