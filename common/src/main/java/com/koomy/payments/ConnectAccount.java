package com.koomy.payments;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A community's Stripe Connect Express account as last synced from Stripe. */
public record ConnectAccount(
        UUID communityId,
        String accountId,
        boolean chargesEnabled,
        boolean payoutsEnabled,
        boolean detailsSubmitted,
        List<String> requirementsDue,
        String disabledReason,
        Instant createdAt,
        Instant syncedAt) {
}
