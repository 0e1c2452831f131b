package com.koomy.memberships;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * A signed membership card. {@code payload} is {@code koomy-card:v1:<communityId>:<accountId>:<role>:<expiresAt
 * epoch seconds>}; {@code signature} is Ed25519 over its UTF-8 bytes, base64url without padding; the QR code
 * holds {@code payload + "." + signature} ({@link #qrContent}). A door app verifies it offline with the
 * community's public key and checks the expiry itself.
 */
public record MembershipCard(UUID communityId, UUID accountId, String name, String role, String status,
                             LocalDate duesPaidUntil, Instant issuedAt, Instant expiresAt, String payload,
                             String signature, byte[] publicKey) {

    public static final String PREFIX = "koomy-card:v1:";

    public String qrContent() {
        return payload + "." + signature;
    }
}
