package com.koomy.api.email;

import com.koomy.errors.ApiException;
import com.sendgrid.helpers.eventwebhook.EventWebhook;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Security;
import java.security.SignatureException;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Checks SendGrid's signed event webhook with sendgrid-java's {@link EventWebhook}: an ECDSA P-256
 * signature (SHA-256) over the timestamp header followed by the raw body, verified with the public
 * key shown in SendGrid's settings. A timestamp more than {@link #TOLERANCE} away from our clock is
 * refused, so a captured request cannot be replayed later. Any failure is a 400 and nothing is stored.
 */
public class SendGridSignatureVerifier {

    public static final String SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature";
    public static final String TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp";
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    private static final Pattern UNIX_SECONDS = Pattern.compile("[0-9]{1,12}");
    private static final Pattern PEM_ARMOUR = Pattern.compile("-----(BEGIN|END) PUBLIC KEY-----|\\s");

    private final EventWebhook eventWebhook = new EventWebhook();
    private final ECPublicKey key;
    private final Clock clock;

    /** {@code publicKey} null or blank: the webhook is not configured and every request gets a 503. */
    public SendGridSignatureVerifier(String publicKey) {
        this(publicKey, Clock.systemUTC());
    }

    SendGridSignatureVerifier(String publicKey, Clock clock) {
        this.key = publicKey == null || publicKey.isBlank() ? null : parse(publicKey);
        this.clock = clock;
    }

    public boolean isConfigured() {
        return key != null;
    }

    public void verify(byte[] payload, String signature, String timestamp) {
        if (key == null) {
            throw new ApiException(503, "webhook_not_configured",
                    "the SendGrid event webhook has no verification key: set SENDGRID_WEBHOOK_PUBLIC_KEY");
        }
        if (signature == null || signature.isBlank() || timestamp == null || timestamp.isBlank()) {
            throw new ApiException(400, "missing_signature",
                    SIGNATURE_HEADER + " and " + TIMESTAMP_HEADER + " headers are required");
        }
        // EventWebhook turns the timestamp into bytes with the platform charset: digits only keeps that exact.
        if (!UNIX_SECONDS.matcher(timestamp).matches()) {
            throw new ApiException(400, "invalid_signature", TIMESTAMP_HEADER + " is not a Unix time in seconds");
        }
        long age = clock.instant().getEpochSecond() - Long.parseLong(timestamp);
        if (Math.abs(age) > TOLERANCE.toSeconds()) {
            throw new ApiException(400, "stale_signature",
                    TIMESTAMP_HEADER + " is more than " + TOLERANCE.toSeconds() + " s away from our clock");
        }
        if (!signatureMatches(payload, signature.trim(), timestamp)) {
            throw new ApiException(400, "invalid_signature", SIGNATURE_HEADER + " does not match the body");
        }
    }

    private boolean signatureMatches(byte[] payload, String signature, String timestamp) {
        try {
            // The byte[] overload: the signature covers the body exactly as received.
            return eventWebhook.VerifySignature(key, payload, signature, timestamp);
        } catch (SignatureException | IllegalArgumentException e) {
            return false; // not base64, or not a DER-encoded ECDSA signature
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot verify SendGrid signatures: " + e.getMessage(), e);
        }
    }

    private ECPublicKey parse(String publicKey) {
        installBouncyCastle();
        try {
            // SendGrid shows the key as bare base64; accept a PEM copy of it too.
            return eventWebhook.ConvertPublicKeyToECDSA(PEM_ARMOUR.matcher(publicKey).replaceAll(""));
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new IllegalArgumentException("sendgrid.webhookPublicKey (SENDGRID_WEBHOOK_PUBLIC_KEY) is not a "
                    + "base64 X.509 ECDSA public key: " + e.getClass().getSimpleName(), e);
        }
    }

    /** EventWebhook asks for the provider named "BC"; added last, so it never changes the JDK's defaults. */
    private static synchronized void installBouncyCastle() {
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
    }
}
