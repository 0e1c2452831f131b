package com.koomy.api.webhooks;

import com.koomy.api.ApiContext;
import com.koomy.api.email.SendGridEventParser;
import com.koomy.api.email.SendGridSignatureVerifier;
import com.koomy.api.email.SendGridWebhookResource;
import com.koomy.api.fastpath.FastRoute;
import com.koomy.api.fastpath.ResourceRoute;
import com.koomy.api.stripe.StripeEventIngest;
import com.koomy.api.stripe.StripeEventParser;
import com.koomy.api.stripe.StripeSignatureVerifier;
import com.koomy.api.stripe.StripeWebhookFastRoute;
import com.koomy.api.stripe.StripeWebhookIntake;
import com.koomy.api.stripe.StripeWebhookResource;
import com.koomy.config.StripeFactory;

/**
 * Provider webhooks: Stripe's events (stored once through a group commit, applied by the worker) and
 * SendGrid's delivery events. {@link #fastRoute} answers Stripe's deliveries before Jersey.
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

    /** {@code POST /api/webhooks/stripe} before Jersey ({@link com.koomy.api.fastpath.FastPathFilter}). */
    public FastRoute fastRoute(ApiContext app) {
        return new StripeWebhookFastRoute(ResourceRoute.of(StripeWebhookResource.class, "receive", app.metrics()),
                stripeIntake, app.json());
    }

    public void register(ApiContext app) {
        app.jersey().register(new StripeWebhookResource(stripeIntake));
        app.jersey().register(new SendGridWebhookResource(app.jdbi(),
                new SendGridSignatureVerifier(app.config().getSendgrid().getWebhookPublicKey()),
                new SendGridEventParser(app.json()), SendGridWebhookResource.MAX_BODY_BYTES));
    }
}
