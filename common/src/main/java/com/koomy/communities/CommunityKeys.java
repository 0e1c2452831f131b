package com.koomy.communities;

import com.koomy.errors.ApiException;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.jdbi.v3.core.Jdbi;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Each community's Ed25519 card key pair, made on first use. Private keys are stored encrypted
 * (AES-256-GCM) under the key-encryption key {@code KOOMY_CARD_KEY_SECRET}; without it nothing is
 * generated or signed and callers get 503 naming the variable.
 */
public class CommunityKeys {

    public static final String SECRET_VARIABLE = "KOOMY_CARD_KEY_SECRET";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int PKCS8_ED25519_LENGTH = 48;

    private final Jdbi jdbi;
    private final SecretKeySpec kek;

    /** {@code base64Secret}: base64 of 32 bytes, or empty (not configured). Anything else fails at start. */
    public CommunityKeys(Jdbi jdbi, String base64Secret) {
        this.jdbi = jdbi;
        if (base64Secret == null || base64Secret.isBlank()) {
            this.kek = null;
            return;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64Secret.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SECRET_VARIABLE + " is not valid base64", e);
        }
        if (bytes.length != 32) {
            throw new IllegalArgumentException(SECRET_VARIABLE + " must be base64 of 32 bytes, not " + bytes.length);
        }
        this.kek = new SecretKeySpec(bytes, "AES");
    }

    /** The community's public key, X.509 DER; made now if the community has none. */
    public byte[] publicKey(UUID communityId) {
        return ensure(communityId).publicKey();
    }

    /** An Ed25519 signature of {@code data} with the community's private key. */
    public byte[] sign(UUID communityId, byte[] data) {
        return signer(communityId).apply(data);
    }

    /**
     * Signs with the community's private key, decrypted once for all the calls of the returned
     * function (a list of tickets); keep it no longer than the request that needs it.
     */
    public UnaryOperator<byte[]> signer(UUID communityId) {
        CommunityKey key = ensure(communityId);
        byte[] pkcs8;
        try {
            pkcs8 = cipher(Cipher.DECRYPT_MODE, communityId, key.privateKeyNonce()).doFinal(key.privateKeyEnc());
        } catch (GeneralSecurityException e) {
            // Most likely KOOMY_CARD_KEY_SECRET changed since the key was stored.
            throw new IllegalStateException("cannot use the card key of community " + communityId
                    + ": was " + SECRET_VARIABLE + " changed?", e);
        }
        // The JDK 17 provider takes ~1 ms a signature here, Bouncy Castle ~0.1 ms for the same (deterministic)
        // signature: sign with the 32-byte seed that ends the standard 48-byte PKCS#8 encoding.
        if (pkcs8.length != PKCS8_ED25519_LENGTH) {
            throw new IllegalStateException("the card key of community " + communityId + " is not a plain Ed25519 PKCS#8 key");
        }
        byte[] seed = Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
        Arrays.fill(pkcs8, (byte) 0);
        return data -> {
            byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
            Ed25519.sign(seed, 0, data, 0, data.length, signature, 0);
            return signature;
        };
    }

    /**
     * Whether {@code signature} is the community's Ed25519 signature of exactly {@code data} (Bouncy
     * Castle, as {@code TicketKeys} verifies tickets; the raw key is the last 32 bytes of the X.509 form).
     */
    public boolean verifies(UUID communityId, byte[] data, byte[] signature) {
        byte[] der = publicKey(communityId);
        return signature.length == Ed25519.SIGNATURE_SIZE
                && Ed25519.verify(signature, 0, der, der.length - Ed25519.PUBLIC_KEY_SIZE, data, 0, data.length);
    }

    /** Whether signing is configured ({@code KOOMY_CARD_KEY_SECRET} set): check before writing anything. */
    public boolean isConfigured() {
        return kek != null;
    }

    /** The short, stable id of a public key (X.509 DER): base64url of the first 8 bytes of its SHA-256. */
    public static String keyId(byte[] publicKey) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(publicKey);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private CommunityKey ensure(UUID communityId) {
        if (kek == null) {
            throw new ApiException(503, "card_keys_not_configured",
                    "membership cards need " + SECRET_VARIABLE + " (base64 of 32 random bytes) in the API's environment");
        }
        return jdbi.withExtension(CommunityKeyDao.class, dao -> dao.find(communityId).orElseGet(() -> {
            CommunityKey made = generated(communityId);
            dao.insert(communityId, made.publicKey(), made.privateKeyNonce(), made.privateKeyEnc());
            return dao.find(communityId).orElseThrow();
        }));
    }

    private CommunityKey generated(UUID communityId) {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            byte[] pkcs8 = pair.getPrivate().getEncoded();
            byte[] enc = cipher(Cipher.ENCRYPT_MODE, communityId, nonce).doFinal(pkcs8);
            Arrays.fill(pkcs8, (byte) 0);
            return new CommunityKey(pair.getPublic().getEncoded(), nonce, enc);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an Ed25519 key pair", e);
        }
    }

    /** AES-GCM with the community id as additional data: a ciphertext only opens on its own row. */
    private Cipher cipher(int mode, UUID communityId, byte[] nonce) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, kek, new GCMParameterSpec(128, nonce));
        cipher.updateAAD(ByteBuffer.allocate(16).putLong(communityId.getMostSignificantBits())
                .putLong(communityId.getLeastSignificantBits()).array());
        return cipher;
    }
}
