package com.koomy.accounts;

import java.time.Instant;
import java.util.UUID;

public record Account(
        UUID id,
        String email,
        String name,
        String locale,
        String passwordHash,
        Instant emailVerifiedAt,
        boolean platformOperator,
        Instant passwordChangedAt,
        Instant createdAt) {
}
