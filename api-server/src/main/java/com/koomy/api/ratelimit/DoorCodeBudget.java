package com.koomy.api.ratelimit;

import com.koomy.errors.ApiException;
import com.koomy.events.CheckIns;

import java.util.UUID;

/**
 * The codes an offline batch verifies, counted against {@code doorCodes} (per account) and
 * {@code doorCodesPerEvent} (per event): a batch costs its codes, not one request. The account pays
 * {@link #PREPAID} codes before the body is even read ({@link RateLimitFilter}, the route's
 * {@code prepay}): parsing up to 1,000 scans costs about that much, and a client over its budget is then
 * refused without it; what the batch turns out to cost is settled here. 429 with Retry-After when either
 * limit is spent; the event's codes are given back when the account's limit refuses (the prepaid ones stay
 * spent, as they do for a request refused for any other reason).
 */
public class DoorCodeBudget implements CheckIns.VerifyBudget {

    /** Codes paid before the body is read: what a batch stopped by its forged prefix costs. */
    public static final int PREPAID = CheckIns.FORGED_PREFIX;

    private final RateLimiter limiter;

    public DoorCodeBudget(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public void take(UUID eventId, UUID callerId, int codes) {
        String account = callerId.toString();
        limiter.check(RateLimitsFactory.DOOR_CODES_PER_EVENT, eventId.toString(), codes);
        int more = codes - PREPAID;
        if (more <= 0) {
            limiter.giveBack(RateLimitsFactory.DOOR_CODES, account, -more);
            return;
        }
        try {
            limiter.check(RateLimitsFactory.DOOR_CODES, account, more);
        } catch (ApiException e) {
            limiter.giveBack(RateLimitsFactory.DOOR_CODES_PER_EVENT, eventId.toString(), codes);
            throw e;
        }
    }

    @Override
    public void giveBack(UUID eventId, UUID callerId, int codes) {
        limiter.giveBack(RateLimitsFactory.DOOR_CODES, callerId.toString(), codes);
        limiter.giveBack(RateLimitsFactory.DOOR_CODES_PER_EVENT, eventId.toString(), codes);
    }
}
