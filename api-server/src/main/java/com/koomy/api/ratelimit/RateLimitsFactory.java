package com.koomy.api.ratelimit;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.koomy.config.RedisKeys;
import io.dropwizard.util.Duration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import redis.clients.jedis.UnifiedJedis;

import java.util.HashMap;
import java.util.Map;

/**
 * Request limits (R9), shared by every API instance through Redis. Every request counts against
 * {@code perClient} (its address) and, when signed in, {@code perAccount}; routes marked
 * {@link RateLimited} also against their own policy.
 */
public class RateLimitsFactory {

    /** The policy of the door routes (check-in). */
    public static final String DOOR = "door";
    /** Ticket codes verified by offline batches, per account (the cost of a batch is its codes, not one request). */
    public static final String DOOR_CODES = "doorCodes";
    /** The same, per event: all the accounts scanning at one event together. */
    public static final String DOOR_CODES_PER_EVENT = "doorCodesPerEvent";
    /** Stripe calls made for one account (Checkout, Connect onboarding, billing portal). */
    public static final String STRIPE_PER_ACCOUNT = "stripePerAccount";
    /** Stripe calls made for one community, all its members together. */
    public static final String STRIPE_PER_COMMUNITY = "stripePerCommunity";

    private boolean enabled = true;
    @Valid @NotNull private Map<String, RateLimitPolicy> policies = defaults();

    public static Map<String, RateLimitPolicy> defaults() {
        Map<String, RateLimitPolicy> policies = new HashMap<>();
        policies.put("perClient", new RateLimitPolicy(600, Duration.minutes(1), false));
        policies.put("perAccount", new RateLimitPolicy(1200, Duration.minutes(1), false));
        policies.put("login", new RateLimitPolicy(10, Duration.minutes(1), true));
        policies.put("loginEmail", new RateLimitPolicy(5, Duration.minutes(1), true));
        policies.put("register", new RateLimitPolicy(5, Duration.minutes(10), true));
        policies.put("passwordReset", new RateLimitPolicy(5, Duration.hours(1), true));
        policies.put("passwordResetEmail", new RateLimitPolicy(3, Duration.hours(1), true));
        // Asking to change one's email address sends two emails: per client address, like reset links.
        policies.put("emailChange", new RateLimitPolicy(5, Duration.hours(1), true));
        // "Export my data" requests and downloads, per client address: each export is a job over every table.
        policies.put("accountExport", new RateLimitPolicy(5, Duration.hours(1), false));
        policies.put("aiDrafts", new RateLimitPolicy(20, Duration.hours(1), true));
        // Door routes (scans, batches, bundle, live counts), per address and per account instead of the two
        // above: every gate of a venue shares its address, and 50 gates polling counts each second plus
        // scanning already make ~100 requests a second.
        policies.put(DOOR, new RateLimitPolicy(12_000, Duration.minutes(1), false));
        // GET /api/health per client address; results are at most 1 s old whatever the rate.
        policies.put("health", new RateLimitPolicy(120, Duration.minutes(1), false));
        // A code's signature check costs ~0.1 ms of CPU: an offline batch counts the codes it verifies, so that
        // forged 1,000-code batches cannot buy 100 ms of CPU each for one request. 100 codes a second per account
        // (6,000 a minute: a gate offline for an hour at a busy event uploads its backlog in a minute) with a burst
        // of two full batches; the capacity must stay >= 1,000. A forged batch stops after 50 codes, so a forger
        // gets ~2 batches a second once the burst is spent (ops/bench/checkin --forged).
        policies.put(DOOR_CODES, new RateLimitPolicy(2_000, Duration.seconds(20), false));
        policies.put(DOOR_CODES_PER_EVENT, new RateLimitPolicy(60_000, Duration.minutes(1), false));
        // The platform's Stripe budget is 25 calls a second (test mode) shared by everyone: one community gets
        // at most one a second on average, one account one every 6 s (a member rarely needs more than two).
        policies.put(STRIPE_PER_ACCOUNT, new RateLimitPolicy(10, Duration.minutes(1), false));
        policies.put(STRIPE_PER_COMMUNITY, new RateLimitPolicy(60, Duration.minutes(1), false));
        return policies;
    }

    @JsonProperty public boolean isEnabled() { return enabled; }
    @JsonProperty public void setEnabled(boolean enabled) { this.enabled = enabled; }
    @JsonProperty public Map<String, RateLimitPolicy> getPolicies() { return policies; }

    /** Named policies from the YAML replace the defaults of the same name; the others stay. */
    @JsonProperty public void setPolicies(Map<String, RateLimitPolicy> overrides) {
        Map<String, RateLimitPolicy> merged = defaults();
        merged.putAll(overrides);
        this.policies = merged;
    }

    /** The limiter of these policies in Redis, or {@link RateLimiter#NONE} when rate limits are off. */
    public RateLimiter build(UnifiedJedis redis, RedisKeys keys, MetricRegistry metrics) {
        return enabled ? new RateLimiter(redis, policies, keys, metrics) : RateLimiter.NONE;
    }
}
