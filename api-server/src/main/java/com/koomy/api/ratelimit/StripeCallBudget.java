package com.koomy.api.ratelimit;

import com.koomy.stripe.StripeQuota;

import java.util.UUID;

/**
 * Stripe calls made on a user's behalf, counted against {@code stripePerAccount} and
 * {@code stripePerCommunity}: one tenant cannot use up the platform's shared Stripe budget
 * ({@code stripe.rateLimitPerSecond}). 429 rate_limited with Retry-After over either.
 */
public class StripeCallBudget implements StripeQuota {

    private final RateLimiter limiter;

    public StripeCallBudget(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public void take(UUID communityId, UUID accountId) {
        limiter.check(RateLimitsFactory.STRIPE_PER_ACCOUNT, accountId.toString());
        limiter.check(RateLimitsFactory.STRIPE_PER_COMMUNITY, communityId.toString());
    }
}
