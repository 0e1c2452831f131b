package com.koomy.api.payments;

import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiContext;
import com.koomy.api.ratelimit.RateLimiter;
import com.koomy.api.ratelimit.StripeCallBudget;
import com.koomy.api.stripe.OpsStripeEventsResource;
import com.koomy.billing.PlanLimits;
import com.koomy.billing.Plans;
import com.koomy.billing.Subscriptions;
import com.koomy.payments.ConnectAccounts;
import com.koomy.payments.DuesCheckouts;
import com.koomy.payments.DuesTiers;
import com.koomy.payments.ManualPayments;
import com.koomy.payments.PaymentHistory;
import com.koomy.payments.PaymentRefunds;
import com.koomy.stripe.StripeGateway;
import com.koomy.stripe.events.StripeEventReplays;
import org.jdbi.v3.core.Jdbi;

/**
 * The API's part of dues and plans (issue 6): one Stripe gateway (shared rate limit, retries,
 * idempotency keys) for every call the API makes while a client waits, and the routes. Built once in
 * {@link com.koomy.api.KoomyApiApplication#run}; {@link #limits()} is handed to memberships and AI drafts.
 */
public final class PaymentsRoutes {

    private final PlanLimits limits;
    private final Plans plans;
    private final StripeGateway stripe;

    public PaymentsRoutes(ApiContext app) {
        ApiConfiguration config = app.config();
        this.stripe = new StripeGateway(config.getStripe(), app.redis(), app.redisKeys(), app.metrics());
        this.plans = new Plans(config.getPayments().getPlans(), stripe, config.getCache().build("plans", Plans.CACHE_SCHEMA,
                config.getCache().getPlansTtl(), app.json().constructType(Plans.PlanList.class),
                app.redis(), app.redisKeys(), app.environment()));
        this.limits = new PlanLimits(plans);
    }

    public PlanLimits limits() {
        return limits;
    }

    /** Stripe calls made on a user's behalf count against {@code limiter}'s policies (StripeCallBudget). */
    public void register(ApiContext app, RateLimiter limiter) {
        ApiConfiguration config = app.config();
        Jdbi jdbi = app.jdbi();
        stripe.limitCallsOnBehalf(new StripeCallBudget(limiter));
        app.jersey().register(new DuesResource(
                new ConnectAccounts(jdbi, stripe, config.getPayments().getConnectCountry(), config.appPagesUrl()),
                new DuesTiers(jdbi), new DuesCheckouts(jdbi, stripe, config.getPayments(), config.appPagesUrl())));
        app.jersey().register(new PaymentsResource(new PaymentHistory(jdbi)));
        app.jersey().register(new ManualPaymentsResource(new ManualPayments(jdbi, app.clock()),
                new PaymentRefunds(jdbi, stripe)));
        app.jersey().register(new BillingResource(plans,
                new Subscriptions(jdbi, stripe, plans, limits, config.appPagesUrl())));
        app.jersey().register(new OpsStripeEventsResource(jdbi, new StripeEventReplays(jdbi)));
    }
}
