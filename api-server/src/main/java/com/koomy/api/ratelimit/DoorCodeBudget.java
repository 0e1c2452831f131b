package com.koomy.api.ratelimit;

import com.koomy.events.CheckIns;

import java.util.UUID;

/**
 * The codes an offline batch verifies, counted against {@code doorCodes} (per account) and
 * {@code doorCodesPerEvent} (per event): a batch costs its codes, not one request. 429 with Retry-After
 * when either is spent; the account's codes are given back when the event's limit refuses.
 */
public class DoorCodeBudget implements CheckIns.VerifyBudget {

    private final RateLimiter limiter;

    public DoorCodeBudget(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public void take(UUID eventId, UUID callerId, int codes) {
        limiter.check(RateLimitsFactory.DOOR_CODES, callerId.toString(), codes);
        try {
            limiter.check(RateLimitsFactory.DOOR_CODES_PER_EVENT, eventId.toString(), codes);
        } catch (RateLimitExceededException e) {
            limiter.giveBack(RateLimitsFactory.DOOR_CODES, callerId.toString(), codes);
            throw e;
        }
    }

    @Override
    public void giveBack(UUID eventId, UUID callerId, int codes) {
        limiter.giveBack(RateLimitsFactory.DOOR_CODES, callerId.toString(), codes);
        limiter.giveBack(RateLimitsFactory.DOOR_CODES_PER_EVENT, eventId.toString(), codes);
    }
}
