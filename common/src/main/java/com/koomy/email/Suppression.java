package com.koomy.email;

import java.time.Instant;

/** One row of {@code email_suppressions}: the address (lower case) and what it stops. */
public record Suppression(String email, SuppressionReason reason, SuppressionScope scope, String detail,
                          String sgEventId, Instant createdAt, Instant updatedAt) {

    /** Whether this suppression stops a message; {@code bulk} is true for newsletters and reminders. */
    public boolean stops(boolean bulk) {
        return scope == SuppressionScope.all || bulk;
    }
}
