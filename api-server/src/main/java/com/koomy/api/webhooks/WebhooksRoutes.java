package com.koomy.api.webhooks;

import com.koomy.api.ApiContext;
import com.koomy.config.StripeFactory;

/**
 * Provider webhooks: Stripe's events (stored once through a group commit, applied by the worker) and
 * SendGrid's delivery events. {@link #stripeIntake()} is shared with the Stripe fast path.
 */
public final class WebhooksRoutes {

    private final StripeWebhookIntake stripeIntake;

    public WebhooksRoutes(ApiContext app) {
        StripeFactory stripe = app.config().getStripe();
        StripeEventIngest stripeIngest = new StripeEventIngest(app.jdbi(), stripe.getWebhookWriters(), stripe.getWebhookBatch(),
                stripe.getWebhookQueue(), stripe.getWebhookStoreTimeout().toJavaDuration(), app.metrics());
        app.environment().lifecycle().manage(stripeIngest);
        this.stripeIntake = new StripeWebhookIntake(
                new StripeSignatureVerifier(stripe.webhookSecretList(), stripe.getWebhookTolerance().toSeconds()),
                new StripeEventParser(app.json()), stripeIngest, (int) stripe.getMaxWebhookBody().toBytes());
    }

    public StripeWebhookIntake stripeIntake() {
        return stripeIntake;
    }

    public void register(ApiContext app) {
        app.jersey().register(new StripeWebhookResource(stripeIntake));
        app.jersey().register(new SendGridWebhookResource(app.jdbi(),
                new SendGridSignatureVerifier(app.config().getSendgrid().getWebhookPublicKey()),
                new SendGridEventParser(app.json()), SendGridWebhookResource.MAX_BODY_BYTES));
    }
}
