package com.koomy.api.ratelimit;

/** Over a limit (429 with Retry-After), or a fail-closed limit that cannot be checked (503). */
public class RateLimitExceededException extends RuntimeException {

    private final long retryAfterSeconds;
    private final boolean unavailable;

    public RateLimitExceededException(String message, long retryAfterSeconds, boolean unavailable) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
        this.unavailable = unavailable;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public boolean unavailable() {
        return unavailable;
    }
}
