package com.koomy.memberships;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
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

    private static final String UUID_RE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final Pattern QR = Pattern.compile(Pattern.quote(PREFIX)
            + "(" + UUID_RE + "):(" + UUID_RE + "):(owner|admin|member):([0-9]{1,12})\\.([A-Za-z0-9_-]{86})");

    public String qrContent() {
        return payload + "." + signature;
    }

    /** A card's QR content split into its parts, the signature not yet checked. */
    public record Signed(UUID communityId, UUID accountId, String role, Instant expiresAt, byte[] signedBytes,
                         byte[] signature) {
    }

    /** The card in a QR content, or null when it is not one (only the canonical base64url spelling, as for tickets). */
    public static Signed parse(String qr) {
        if (qr == null || qr.length() > MAX_LENGTH) {
            return null;
        }
        Matcher m = QR.matcher(qr);
        if (!m.matches()) {
            return null;
        }
        byte[] signature = Base64.getUrlDecoder().decode(m.group(5));
        if (!Base64.getUrlEncoder().withoutPadding().encodeToString(signature).equals(m.group(5))) {
            return null;
        }
        return new Signed(UUID.fromString(m.group(1)), UUID.fromString(m.group(2)), m.group(3),
                Instant.ofEpochSecond(Long.parseLong(m.group(4))),
                qr.substring(0, m.start(5) - 1).getBytes(StandardCharsets.UTF_8), signature);
    }
}
