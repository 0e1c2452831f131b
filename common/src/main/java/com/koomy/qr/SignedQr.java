package com.koomy.qr;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parsing our signed QR codes share (tickets and membership cards): refused when longer than theirs can
 * be, one exact pattern whose last group is an Ed25519 signature (base64url, no padding) after a dot, and
 * that signature only in its canonical spelling.
 */
public final class SignedQr {

    /** A UUID as {@link java.util.UUID#toString} writes it. */
    public static final String UUID_RE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    /** The dot and the signature that end a signed QR text: the pattern's last group. */
    public static final String SIGNATURE_RE = "\\.([A-Za-z0-9_-]{86})";

    private SignedQr() {
    }

    /** The matched QR text, or null when it is too long or not of {@code pattern}. */
    public static Matcher match(Pattern pattern, int maxLength, String qr) {
        if (qr == null || qr.length() > maxLength) {
            return null;
        }
        Matcher m = pattern.matcher(qr);
        return m.matches() ? m : null;
    }

    /** The signature (the last group), or null when it is not spelled canonically. */
    public static byte[] signature(Matcher m) {
        String text = m.group(m.groupCount());
        byte[] signature = Base64.getUrlDecoder().decode(text);
        // 86 characters carry 516 bits for a 64-byte signature and the decoder ignores the last 4: only the
        // canonical spelling is ours, so one code has one QR text (revocation lists and logs compare texts).
        return Base64.getUrlEncoder().withoutPadding().encodeToString(signature).equals(text) ? signature : null;
    }

    /** The bytes that were signed: the text before the dot that precedes the signature. */
    public static byte[] signedBytes(Matcher m) {
        return m.group().substring(0, m.start(m.groupCount()) - 1).getBytes(StandardCharsets.UTF_8);
    }
}
