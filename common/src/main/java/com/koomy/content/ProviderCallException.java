package com.koomy.content;

/**
 * A call to the AI provider that produced no draft. {@link #retryable()} for rate limits (429), server
 * errors (5xx), timeouts and connection failures; any other outcome (another 4xx, a refusal, an
 * empty answer) will not get better by asking again.
 */
public class ProviderCallException extends Exception {

    private final boolean retryable;

    public ProviderCallException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
