package com.koomy.payments;

import com.koomy.billing.BillingEvents;
import com.koomy.billing.Plans;
import com.koomy.config.PaymentsFactory;
import com.koomy.stripe.StripeGateway;
import com.koomy.stripe.events.StripeEventHandlers;
import org.jdbi.v3.core.Jdbi;

/** Every Stripe event handler of dues and plans (issue 6), registered on the worker's handler registry. */
public final class PaymentHandlers {

    private PaymentHandlers() {
    }

    public static StripeEventHandlers register(StripeEventHandlers handlers, Jdbi jdbi, StripeGateway stripe,
                                               PaymentsFactory config, String publicUrl) {
        new PaymentEvents(publicUrl).register(handlers);
        new BillingEvents(stripe, new Plans(config.getPlans(), stripe, null)).register(handlers);
        ConnectAccounts connect = new ConnectAccounts(jdbi, stripe, config.getConnectCountry(), publicUrl);
        return handlers.register("account.updated", connect::applyAccountUpdated);
    }
}
