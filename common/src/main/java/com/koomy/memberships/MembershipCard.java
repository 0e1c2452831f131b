package com.koomy.memberships;

import com.koomy.qr.SignedQr;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    /** Longer input is not a card: refused before any parsing. */
    public static final int MAX_LENGTH = 300;

    private static final Pattern QR = Pattern.compile(Pattern.quote(PREFIX)
            + "(" + SignedQr.UUID_RE + "):(" + SignedQr.UUID_RE + "):(owner|admin|member):([0-9]{1,12})" + SignedQr.SIGNATURE_RE);

    public String qrContent() {
        return payload + "." + signature;
    }

    /** A card's QR content split into its parts, the signature not yet checked. */
    public record Signed(UUID communityId, UUID accountId, String role, Instant expiresAt, byte[] signedBytes,
                         byte[] signature) {
    }

    /** The card in a QR content, or null when it is not one (only the canonical base64url spelling, as for tickets). */
    public static Signed parse(String qr) {
        Matcher m = SignedQr.match(QR, MAX_LENGTH, qr);
        byte[] signature = m == null ? null : SignedQr.signature(m);
        if (signature == null) {
            return null;
        }
        return new Signed(UUID.fromString(m.group(1)), UUID.fromString(m.group(2)), m.group(3),
                Instant.ofEpochSecond(Long.parseLong(m.group(4))), SignedQr.signedBytes(m), signature);
    }
}
