package com.koomy.events;

import com.koomy.qr.SignedQr;

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

    private static final Pattern QR = Pattern.compile(Pattern.quote(PREFIX)
            + "([A-Za-z0-9_-]{11}):(" + SignedQr.UUID_RE + "):(" + SignedQr.UUID_RE + "):([1-9][0-9]{0,8}):([0-9]{1,12}):([0-9]{1,12})"
            + SignedQr.SIGNATURE_RE);

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
        Matcher m = SignedQr.match(QR, MAX_LENGTH, qr);
        byte[] signature = m == null ? null : SignedQr.signature(m);
        if (signature == null) {
            return null;
        }
        TicketCode code = new TicketCode(m.group(1), UUID.fromString(m.group(2)), UUID.fromString(m.group(3)),
                Integer.parseInt(m.group(4)), Instant.ofEpochSecond(Long.parseLong(m.group(5))),
                Instant.ofEpochSecond(Long.parseLong(m.group(6))));
        return new Signed(code, SignedQr.signedBytes(m), signature);
    }

    /** A parsed QR code: the code, the exact bytes that were signed and the signature. */
    public record Signed(TicketCode code, byte[] signedBytes, byte[] signature) {
    }
}
