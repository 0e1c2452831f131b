package com.koomy.api.security;

import com.koomy.events.TicketCode;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/** Mutations and forgeries, reproducible from the seed (printed; -Dkoomy.qrForgery.seed=... replays it). */
final class QrForger {
    private static final BigInteger L = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
    private final Random random;
    private final byte[] forgerKey = new byte[Ed25519.SECRET_KEY_SIZE];
    /** An untouched valid ticket of the event under attack. */
    private final String valid;
    /** Genuine tickets of other events (and one already admitted): their variants must not pass either. */
    private final List<String> otherTickets;
    private final UUID eventId;

    QrForger(long seed, String valid, List<String> otherTickets, UUID eventId) {
        this.valid = valid;
        this.otherTickets = otherTickets;
        this.eventId = eventId;
        random = new Random(seed);
        random.nextBytes(forgerKey);
    }

    String next() {
        String base = random.nextInt(4) == 0 ? otherTickets.get(random.nextInt(otherTickets.size())) : valid;
        int dot = base.lastIndexOf('.');
        String payload = base.substring(0, dot);
        String signature = base.substring(dot + 1);
        return switch (random.nextInt(16)) {
            case 0, 1, 2, 3 -> flipBits(base, 1 + random.nextInt(3));
            case 4 -> base.substring(0, random.nextInt(base.length()));
            case 5 -> base.substring(1 + random.nextInt(base.length() - 1));
            case 6 -> payload.replace(eventIdOf(base), eventId.toString()) + "." + signature; // re-targeted at our event
            case 7 -> payload + "." + reencode(signature);
            case 8 -> payload + "." + malleate(signature);
            case 9 -> forgeWithOwnKey(payload.replace(eventIdOf(base), eventId.toString()));
            case 10 -> variant(payload) + "." + signature;
            case 11 -> random.nextBoolean() ? " " + base : base + (random.nextBoolean() ? "\n" : "\u0000");
            case 12 -> randomString(random.nextInt(random.nextBoolean() ? 500 : 20_000));
            case 13 -> TicketCode.PREFIX + randomString(20 + random.nextInt(200));
            case 14 -> payload + "." + randomBase64Url(86);
            default -> payload + ":1." + signature; // an extra field under the same signature
        };
    }

    private static String eventIdOf(String qr) {
        return qr.split(":")[4];
    }

    private String flipBits(String s, int flips) {
        char[] chars = s.toCharArray();
        for (int i = 0; i < flips; i++) {
            int at = random.nextInt(chars.length);
            chars[at] = (char) (chars[at] ^ (1 << random.nextInt(7)));
        }
        return new String(chars);
    }

    /** The same signature bytes written another way: standard alphabet, padding, other unused low bits. */
    private String reencode(String signature) {
        byte[] bytes = Base64.getUrlDecoder().decode(signature);
        return switch (random.nextInt(3)) {
            case 0 -> Base64.getEncoder().encodeToString(bytes);
            case 1 -> signature + "==";
            default -> {
                // 86 characters carry 516 bits for 512: the last one's 4 low bits are unused.
                String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                int last = alphabet.indexOf(signature.charAt(85));
                int other = (last & ~0xF) | (1 + random.nextInt(15)) ^ (last & 0xF);
                yield signature.substring(0, 85) + alphabet.charAt(other & 0x3F);
            }
        };
    }

    /** S + L: the same signature modulo the group order, which a lax verifier accepts. */
    private static String malleate(String signature) {
        byte[] bytes = Base64.getUrlDecoder().decode(signature);
        byte[] s = new byte[32];
        for (int i = 0; i < 32; i++) {
            s[i] = bytes[63 - i]; // little-endian to big-endian
        }
        byte[] bigger = new BigInteger(1, s).add(L).toByteArray();
        byte[] out = bytes.clone();
        for (int i = 0; i < 32; i++) {
            int from = bigger.length - 1 - i;
            out[32 + i] = from >= 0 ? bigger[from] : 0;
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    private String forgeWithOwnKey(String payload) {
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        byte[] message = payload.getBytes(StandardCharsets.UTF_8);
        Ed25519.sign(forgerKey, 0, message, 0, message.length, signature, 0);
        return payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }

    /** Upper-case hex, leading zeros: a different text meaning the same numbers (the signature covers the text). */
    private String variant(String payload) {
        String[] parts = payload.split(":");
        int at = 3 + random.nextInt(parts.length - 3);
        parts[at] = random.nextBoolean() ? parts[at].toUpperCase(java.util.Locale.ROOT) : "0" + parts[at];
        return String.join(":", parts);
    }

    private String randomString(int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append((char) (random.nextBoolean() ? 32 + random.nextInt(95) : random.nextInt(0xD800)));
        }
        return out.toString();
    }

    private String randomBase64Url(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).substring(0, length);
    }
}
