package com.koomy.api.payments;

import com.koomy.api.ApiConfiguration;
import com.koomy.billing.PlanLimits;
import com.koomy.billing.Plans;
import com.koomy.billing.Subscriptions;
import com.koomy.config.RedisKeys;
import com.koomy.payments.ConnectAccounts;
import com.koomy.payments.DuesCheckouts;
import com.koomy.payments.DuesTiers;
import com.koomy.payments.PaymentHistory;
import com.koomy.stripe.StripeGateway;
import com.koomy.stripe.StripeQuota;
import com.koomy.webhooks.StripeEventReplays;
import io.dropwizard.core.setup.Environment;
import org.jdbi.v3.core.Jdbi;
import redis.clients.jedis.UnifiedJedis;

/**
 * The API's part of dues and plans (issue 6): one Stripe gateway (shared rate limit, retries,
 * idempotency keys) for every call the API makes while a client waits, and the routes. Built once in
 * {@link com.koomy.api.KoomyApiApplication#run}; {@link #limits()} is handed to memberships and AI drafts.
 */
public final class PaymentsRoutes {

    private final PlanLimits limits;
    private final Plans plans;
    private final StripeGateway stripe;

    public PaymentsRoutes(ApiConfiguration config, Environment environment, UnifiedJedis redis, RedisKeys keys) {
        this.stripe = new StripeGateway(config.getStripe(), redis, keys, environment.metrics());
        this.plans = new Plans(config.getPayments().getPlans(), stripe, config.getCache().build("plans", Plans.CACHE_SCHEMA,
                config.getCache().getPlansTtl(), environment.getObjectMapper().constructType(Plans.PlanList.class),
                redis, keys, environment));
        this.limits = new PlanLimits(plans);
    }

    public PlanLimits limits() {
        return limits;
    }

    /** {@code stripeQuota}: what Stripe calls made on a user's behalf count against (StripeCallBudget). */
    public void register(ApiConfiguration config, Environment environment, Jdbi jdbi, StripeQuota stripeQuota) {
        stripe.limitCallsOnBehalf(stripeQuota);
        environment.jersey().register(new DuesResource(
                new ConnectAccounts(jdbi, stripe, config.getPayments().getConnectCountry(), config.getPublicUrl()),
                new DuesTiers(jdbi), new DuesCheckouts(jdbi, stripe, config.getPayments(), config.getPublicUrl())));
        environment.jersey().register(new PaymentsResource(new PaymentHistory(jdbi)));
        environment.jersey().register(new BillingResource(plans,
                new Subscriptions(jdbi, stripe, plans, limits, config.getPublicUrl())));
        environment.jersey().register(new OpsStripeEventsResource(jdbi, new StripeEventReplays(jdbi)));
    }
}
