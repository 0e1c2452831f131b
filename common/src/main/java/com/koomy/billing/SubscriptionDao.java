package com.koomy.billing;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

@RegisterConstructorMapper(Subscription.class)
public interface SubscriptionDao {

    String COLUMNS = "community_id, plan, stripe_customer_id, subscription_id, price_id, status, current_period_end, "
            + "cancel_at_period_end, latest_invoice_id, latest_invoice_status, synced_at";

    @SqlQuery("SELECT " + COLUMNS + " FROM community_subscriptions WHERE community_id = :communityId")
    Optional<Subscription> find(@Bind("communityId") UUID communityId);

    /** Creates the free-plan row if missing and locks it: every change to a community's plan holds this lock. */
    @SqlUpdate("INSERT INTO community_subscriptions (community_id) VALUES (:communityId) ON CONFLICT (community_id) DO NOTHING")
    void ensure(@Bind("communityId") UUID communityId);

    @SqlQuery("SELECT " + COLUMNS + " FROM community_subscriptions WHERE community_id = :communityId FOR UPDATE")
    Optional<Subscription> lock(@Bind("communityId") UUID communityId);

    @SqlQuery("SELECT " + COLUMNS + " FROM community_subscriptions WHERE stripe_customer_id = :customer FOR UPDATE")
    Optional<Subscription> lockByCustomer(@Bind("customer") String customerId);

    @SqlUpdate("UPDATE community_subscriptions SET stripe_customer_id = :customer, updated_at = now() WHERE community_id = :communityId AND stripe_customer_id IS NULL")
    int setCustomer(@Bind("communityId") UUID communityId, @Bind("customer") String customerId);

    /**
     * The community's subscription as Stripe last described it; the invoice fields are null when the
     * event is not about the latest invoice.
     */
    record StripeState(UUID communityId, String plan, String subscriptionId, String priceId, String status,
                       Instant periodEnd, boolean cancelAtPeriodEnd, String invoiceId, String invoiceStatus) {
    }

    @SqlUpdate("""
            UPDATE community_subscriptions
               SET plan = :plan, subscription_id = :subscriptionId, price_id = :priceId, status = :status,
                   current_period_end = :periodEnd, cancel_at_period_end = :cancelAtPeriodEnd,
                   latest_invoice_id = coalesce(:invoiceId, latest_invoice_id),
                   latest_invoice_status = CASE WHEN :invoiceId IS NULL THEN latest_invoice_status ELSE :invoiceStatus END,
                   synced_at = now(), updated_at = now()
             WHERE community_id = :communityId
            """)
    void sync(@BindMethods StripeState state);
}
