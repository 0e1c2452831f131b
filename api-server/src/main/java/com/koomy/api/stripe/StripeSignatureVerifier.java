package com.koomy.api.stripe;

import com.koomy.errors.ApiException;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;

import java.util.List;

/**
 * Checks {@code Stripe-Signature} with stripe-java against every configured secret (two during a
 * rotation) and the timestamp tolerance. Any failure is a 400: Stripe shows it in its dashboard and
 * we store nothing.
 */
public class StripeSignatureVerifier {

    private final List<String> secrets;
    private final long toleranceSeconds;

    public StripeSignatureVerifier(List<String> secrets, long toleranceSeconds) {
        this.secrets = List.copyOf(secrets);
        this.toleranceSeconds = toleranceSeconds;
    }

    public void verify(String payload, String signatureHeader) {
        if (secrets.isEmpty()) {
            throw new ApiException(503, "webhooks_not_configured",
                    "no webhook signing secret is configured: set STRIPE_WEBHOOK_SECRET");
        }
        if (signatureHeader == null || signatureHeader.isBlank()) {
            throw new ApiException(400, "missing_signature", "Stripe-Signature header is required");
        }
        SignatureVerificationException last = null;
        for (String secret : secrets) {
            try {
                Webhook.Signature.verifyHeader(payload, signatureHeader, secret, toleranceSeconds);
                return;
            } catch (SignatureVerificationException e) {
                last = e;
            } catch (RuntimeException e) {
                // stripe-java parses the header's t= with Long.parseLong: a forged header is a 400, not a 500.
                throw new ApiException(400, "invalid_signature", "Stripe-Signature is malformed");
            }
        }
        throw new ApiException(400, "invalid_signature", "Stripe-Signature rejected: " + last.getMessage());
    }
}
