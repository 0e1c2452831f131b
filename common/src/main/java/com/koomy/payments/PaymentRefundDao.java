package com.koomy.payments;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.Optional;
import java.util.UUID;

/** Refunds asked of Stripe ({@link PaymentRefunds}); their status follows Stripe's ({@link PaymentEvents}). */
@RegisterConstructorMapper(PaymentRefunds.Refund.class)
public interface PaymentRefundDao {

    /** A manager's refund request; {@code key} is the client's idempotency key. */
    record NewRefund(UUID id, UUID paymentId, UUID communityId, long amount, String reason, String key, UUID callerId) {
    }

    /** The refund of a payment completed for an archived community: the whole amount, no manager. */
    record ArchivedRefund(UUID id, UUID paymentId, UUID communityId, long amount, String cause) {
    }

    /** The amount already asked back (refunds not failed or canceled). */
    @SqlQuery("""
            SELECT coalesce(sum(amount), 0) FROM payment_refunds
             WHERE payment_id = :id AND status NOT IN ('failed', 'canceled')
            """)
    long asked(@Bind("id") UUID paymentId);

    @SqlUpdate("""
            INSERT INTO payment_refunds (id, payment_id, community_id, amount, reason, client_key, requested_by)
            VALUES (:id, :paymentId, :communityId, :amount, :reason, :key, :callerId)
            """)
    void insert(@BindMethods NewRefund refund);

    /** False when the payment has this refund already (client key "community-archived"). */
    @SqlUpdate("""
            INSERT INTO payment_refunds (id, payment_id, community_id, amount, client_key, cause)
            VALUES (:id, :paymentId, :communityId, :amount, 'community-archived', :cause)
            ON CONFLICT (payment_id, client_key) DO NOTHING
            """)
    boolean insertArchived(@BindMethods ArchivedRefund refund);

    @SqlQuery("SELECT payment_id FROM payment_refunds WHERE id = :id")
    Optional<UUID> paymentOf(@Bind("id") UUID refundId);

    @SqlUpdate("""
            UPDATE payment_refunds SET stripe_refund_id = coalesce(stripe_refund_id, :stripeId), status = :status,
                                       updated_at = now()
             WHERE id = :id
            """)
    void setStatus(@Bind("id") UUID id, @Bind("stripeId") String stripeId, @Bind("status") String status);

    /** Stripe's word on a refund, found by Stripe's id or by ours ({@code ours}: koomy_refund_id in its metadata). */
    @SqlUpdate("""
            UPDATE payment_refunds SET status = :status, stripe_refund_id = coalesce(stripe_refund_id, :stripeId),
                                       updated_at = now()
             WHERE payment_id = :paymentId
               AND (stripe_refund_id = :stripeId OR CAST(id AS text) = :ours)
            """)
    void recordStripeStatus(@Bind("paymentId") UUID paymentId, @Bind("stripeId") String stripeId, @Bind("ours") String ours,
                            @Bind("status") String status);

    /** The payment's refund with this client key, or with this id (either may be null). */
    @SqlQuery("""
            SELECT r.id, r.payment_id, r.amount, p.currency, r.reason, r.status, r.stripe_refund_id, r.created_at
              FROM payment_refunds r JOIN payments p ON p.id = r.payment_id
             WHERE r.payment_id = :paymentId AND (r.client_key = CAST(:key AS text) OR r.id = CAST(:id AS uuid))
            """)
    Optional<PaymentRefunds.Refund> find(@Bind("paymentId") UUID paymentId, @Bind("key") String key, @Bind("id") UUID id);
}
