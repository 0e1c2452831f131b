package com.koomy.newsletters;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The per-recipient token of a newsletter's unsubscribe link: community, newsletter and address, signed
 * with HMAC-SHA256 under {@code KOOMY_UNSUBSCRIBE_SECRET}. Nothing is stored per recipient (a million
 * recipients need no million rows), the link works without signing in, and it cannot be forged or moved
 * to another address or community without the secret. The worker signs, the API verifies: both need the
 * same secret. Rotating it invalidates the links of the mail already sent.
 */
public final class UnsubscribeTokens {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final int MAC_BYTES = 32;

    /** What a valid token says. */
    public record Subject(UUID communityId, UUID newsletterId, String email) {
    }

    private final SecretKeySpec key;

    /** {@code secret}: at least 32 characters (ops/koomy generates 32 random bytes, base64). */
    public UnsubscribeTokens(String secret) {
        if (secret == null || secret.length() < 32) {
            throw new IllegalArgumentException("the unsubscribe secret (KOOMY_UNSUBSCRIBE_SECRET) needs at least 32 characters");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** Null when the secret is not configured (blank): newsletters then cannot be sent through the API. */
    public static UnsubscribeTokens orNull(String secret) {
        return secret == null || secret.isBlank() ? null : new UnsubscribeTokens(secret);
    }

    public String sign(UUID communityId, UUID newsletterId, String email) {
        byte[] address = email.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload = ByteBuffer.allocate(32 + address.length);
        payload.putLong(communityId.getMostSignificantBits()).putLong(communityId.getLeastSignificantBits());
        UUID newsletter = newsletterId == null ? new UUID(0, 0) : newsletterId;
        payload.putLong(newsletter.getMostSignificantBits()).putLong(newsletter.getLeastSignificantBits());
        payload.put(address);
        byte[] body = payload.array();
        return ENCODER.encodeToString(body) + "." + ENCODER.encodeToString(mac(body));
    }

    /** The token's subject, or empty for anything malformed or not signed with this secret. */
    public Optional<Subject> verify(String token) {
        if (token == null || token.length() > 1000) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        byte[] body;
        byte[] mac;
        try {
            body = DECODER.decode(token.substring(0, dot));
            mac = DECODER.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (body.length <= 32 || mac.length != MAC_BYTES || !MessageDigest.isEqual(mac, mac(body))) {
            return Optional.empty();
        }
        ByteBuffer payload = ByteBuffer.wrap(body);
        UUID community = new UUID(payload.getLong(), payload.getLong());
        UUID newsletter = new UUID(payload.getLong(), payload.getLong());
        String email = new String(Arrays.copyOfRange(body, 32, body.length), StandardCharsets.UTF_8);
        return Optional.of(new Subject(community, newsletter.equals(new UUID(0, 0)) ? null : newsletter, email));
    }

    private byte[] mac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
