package com.koomy.api.ratelimit;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * At most {@code requests} per {@code period} for one subject (a client address or an account).
 * {@code failClosed}: when Redis cannot be asked, refuse (sign-in, password reset, AI) rather than
 * fall back to a per-process limit.
 */
public class RateLimitPolicy {

    @Min(1) private int requests;
    @NotNull private Duration period;
    private boolean failClosed;

    public RateLimitPolicy() {
    }

    public RateLimitPolicy(int requests, Duration period, boolean failClosed) {
        this.requests = requests;
        this.period = period;
        this.failClosed = failClosed;
    }

    @JsonProperty public int getRequests() { return requests; }
    @JsonProperty public void setRequests(int requests) { this.requests = requests; }
    @JsonProperty public Duration getPeriod() { return period; }
    @JsonProperty public void setPeriod(Duration period) { this.period = period; }
    @JsonProperty public boolean isFailClosed() { return failClosed; }
    @JsonProperty public void setFailClosed(boolean failClosed) { this.failClosed = failClosed; }
}
