package com.koomy.memberships;

import java.time.Instant;
import java.util.UUID;

/** An invitation by email; the token itself is never stored, only its SHA-256. */
public record Invitation(UUID id, UUID communityId, String email, String role, UUID invitedBy, Instant expiresAt,
                         Instant acceptedAt, UUID acceptedBy, Instant createdAt) {

    public boolean usableAt(Instant now) {
        return acceptedAt == null && now.isBefore(expiresAt);
    }
}
