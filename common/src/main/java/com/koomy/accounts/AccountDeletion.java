package com.koomy.accounts;

import jakarta.annotation.Nullable;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Where an account's deletion stands, as its holder and operators read it: {@code status} is {@code active} (no
 * deletion pending; earlier requests and restores stay in {@code steps}), {@code pending} (in the grace period,
 * cancellable), {@code erasing} (the erasure job has started: no longer cancellable) or {@code erased}.
 */
public record AccountDeletion(UUID accountId, String status, @Nullable Instant requestedAt, @Nullable Instant scheduledErasureAt,
                              @Nullable Instant erasedAt, List<Step> steps) {

    public static final String ACTIVE = "active";
    public static final String PENDING = "pending";
    public static final String ERASING = "erasing";
    public static final String ERASED = "erased";

    /**
     * One logged step: what ({@code requested}, {@code memberships_ended}, ...), who, when, with its figures.
     * {@code details} is a JSON object (a map), typed {@code Object} so the OpenAPI document says "any object".
     */
    public record Step(String step, String actor, Object details, Instant at) {
    }

    static String statusOf(AccountDeletionDao.State state) {
        if (state.erasedAt() != null) {
            return ERASED;
        }
        if (state.erasureStartedAt() != null) {
            return ERASING;
        }
        return state.deletionRequestedAt() == null ? ACTIVE : PENDING;
    }
}
