package com.koomy.stripe;

/** A feature that needs Stripe was used while STRIPE_API_KEY is empty. Thrown before any call is made. */
public class StripeNotConfiguredException extends StripeCallException {

    public StripeNotConfiguredException() {
        super(503, "stripe_not_configured", "Stripe is not configured: set STRIPE_API_KEY", null);
    }
}
