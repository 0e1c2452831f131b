package com.koomy.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a ticket's QR code says: {@code koomy-ticket:v1:<keyId>:<ticketId>:<eventId>:<serial>:<validFrom>:<validUntil>}
 * (times in epoch seconds), followed by {@code .} and the Ed25519 signature of those bytes (base64url, no
 * padding) made with the community's key named by {@code keyId}. Everything a scanner needs to decide
 * offline, except revocations (the check-in bundle's list).
 */
public record TicketCode(String keyId, UUID ticketId, UUID eventId, int serial, Instant validFrom, Instant validUntil) {

    public static final String PREFIX = "koomy-ticket:v1:";
    /** Longer input is not ours: refuse before any parsing. */
    public static final int MAX_LENGTH = 400;

    private static final String UUID_RE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final Pattern QR = Pattern.compile(Pattern.quote(PREFIX)
            + "([A-Za-z0-9_-]{11}):(" + UUID_RE + "):(" + UUID_RE + "):([1-9][0-9]{0,8}):([0-9]{1,12}):([0-9]{1,12})"
            + "\\.([A-Za-z0-9_-]{86})");

    public String payload() {
        return PREFIX + keyId + ":" + ticketId + ":" + eventId + ":" + serial + ":" + validFrom.getEpochSecond() + ":"
                + validUntil.getEpochSecond();
    }

    /** The QR code's content: payload, a dot, the signature. */
    public String qr(byte[] signature) {
        return payload() + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }

    /** A QR code split into its parts, the signature not yet checked; null when it is not one of ours. */
    public static Signed parse(String qr) {
        if (qr == null || qr.length() > MAX_LENGTH) {
            return null;
        }
        Matcher m = QR.matcher(qr);
        if (!m.matches()) {
            return null;
        }
        TicketCode code = new TicketCode(m.group(1), UUID.fromString(m.group(2)), UUID.fromString(m.group(3)),
                Integer.parseInt(m.group(4)), Instant.ofEpochSecond(Long.parseLong(m.group(5))),
                Instant.ofEpochSecond(Long.parseLong(m.group(6))));
        byte[] signature = Base64.getUrlDecoder().decode(m.group(7));
        // 86 characters carry 516 bits for a 64-byte signature and the decoder ignores the last 4: only the
        // canonical spelling is ours, so one ticket has one QR text (revocation lists and logs compare texts).
        if (!Base64.getUrlEncoder().withoutPadding().encodeToString(signature).equals(m.group(7))) {
            return null;
        }
        return new Signed(code, qr.substring(0, m.start(7) - 1).getBytes(StandardCharsets.UTF_8), signature);
    }

    /** A parsed QR code: the code, the exact bytes that were signed and the signature. */
    public record Signed(TicketCode code, byte[] signedBytes, byte[] signature) {
    }
}
