package com.koomy.payments;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Payments. The writes are shaped so that the same Stripe fact applied twice changes nothing: rows are
 * created with ON CONFLICT on Stripe's ids, status moves only forward, refunded amounts only grow.
 */
@RegisterConstructorMapper(Payment.class)
public interface PaymentDao {

    String COLUMNS = "id, community_id, account_id, checkout_id, tier_id, description, stripe_account, payment_intent_id, "
            + "checkout_session_id, charge_id, amount, application_fee, currency, amount_refunded, status, failure_message, "
            + "paid_at, refunded_at, created_at, method, reference, " + Receipts.NUMBER_OF_PAYMENT + " AS receipt_number, "
            + "voided_at, void_reason";

    /** What one Stripe event says of a payment intent: the rest of the row comes from its {@link ConnectEventScope.Scope}. */
    record Attempt(UUID id, String paymentIntentId, String sessionId, String chargeId, long amount, String currency,
                   String status, String failure, Instant paidAt) {
    }

    /** Returns the new row's id, or nothing when a row for this payment intent exists. */
    @SqlQuery("""
            INSERT INTO payments (id, community_id, account_id, checkout_id, tier_id, description, stripe_account,
                                  payment_intent_id, checkout_session_id, charge_id, amount, application_fee, currency,
                                  status, failure_message, paid_at)
            VALUES (:a.id, :s.communityId, :s.accountId, :s.checkoutId, :s.tierId, :s.description, :s.stripeAccount,
                    :a.paymentIntentId, :a.sessionId, :a.chargeId, :a.amount, :s.applicationFee, :a.currency, :a.status,
                    :a.failure, :a.paidAt)
            ON CONFLICT (payment_intent_id) DO NOTHING
            RETURNING id
            """)
    Optional<UUID> insert(@BindMethods("s") ConnectEventScope.Scope scope, @BindMethods("a") Attempt attempt);

    /** A failed attempt followed by a successful one: the only way back up from 'failed'. */
    @SqlQuery("""
            UPDATE payments SET status = 'succeeded', failure_message = NULL, paid_at = :paidAt, amount = :amount,
                                application_fee = :fee, updated_at = now()
             WHERE payment_intent_id = :paymentIntentId AND status = 'failed'
            RETURNING id
            """)
    Optional<UUID> succeedFailed(@Bind("paymentIntentId") String paymentIntentId, @Bind("amount") long amount,
                                 @Bind("fee") long fee, @Bind("paidAt") Instant paidAt);

    /** Fills in ids the first event did not carry (the session's, the charge's); never overwrites one. */
    @SqlUpdate("""
            UPDATE payments SET checkout_session_id = coalesce(checkout_session_id, :sessionId),
                                charge_id = coalesce(charge_id, :chargeId), updated_at = now()
             WHERE payment_intent_id = :paymentIntentId
               AND ((checkout_session_id IS NULL AND :sessionId IS NOT NULL) OR (charge_id IS NULL AND :chargeId IS NOT NULL))
            """)
    void fillIds(@Bind("paymentIntentId") String paymentIntentId, @Bind("sessionId") String sessionId,
                 @Bind("chargeId") String chargeId);

    @SqlUpdate("""
            UPDATE payments SET failure_message = :failure, updated_at = now()
             WHERE payment_intent_id = :paymentIntentId AND status = 'failed'
            """)
    void recordFailure(@Bind("paymentIntentId") String paymentIntentId, @Bind("failure") String failure);

    /** A payment a manager records by hand ({@link ManualPayments}); {@code key} is the client's idempotency key. */
    record Manual(UUID id, UUID communityId, UUID accountId, UUID tierId, String description, long amount, String currency,
                  Instant paidAt, String method, String reference, UUID callerId, String key) {
    }

    /** Returns the new row's id, or nothing when the community has a payment with this key. */
    @SqlQuery("""
            INSERT INTO payments (id, community_id, account_id, tier_id, description, amount, currency, status,
                                  paid_at, method, reference, recorded_by, client_reference)
            VALUES (:id, :communityId, :accountId, :tierId, :description, :amount, :currency, 'succeeded',
                    :paidAt, :method, :reference, :callerId, :key)
            ON CONFLICT (community_id, client_reference) WHERE client_reference IS NOT NULL DO NOTHING
            RETURNING id
            """)
    Optional<UUID> insertManual(@BindMethods Manual payment);

    @SqlQuery("SELECT " + COLUMNS + " FROM payments WHERE community_id = :communityId AND client_reference = :key")
    Payment byClientReference(@Bind("communityId") UUID communityId, @Bind("key") String key);

    @SqlUpdate("""
            UPDATE payments SET status = 'void', voided_at = now(), voided_by = :callerId, void_reason = :reason,
                                updated_at = now()
             WHERE id = :id
            """)
    void markVoid(@Bind("id") UUID id, @Bind("callerId") UUID callerId, @Bind("reason") String reason);

    @SqlQuery("SELECT " + COLUMNS + " FROM payments WHERE payment_intent_id = :pi FOR UPDATE")
    Optional<Payment> lockByPaymentIntent(@Bind("pi") String paymentIntentId);

    @SqlQuery("SELECT " + COLUMNS + " FROM payments WHERE id = :id")
    Optional<Payment> find(@Bind("id") UUID id);

    /** The community's payment, locked; empty for another community's id (nothing to tell them apart). */
    @SqlQuery("SELECT " + COLUMNS + " FROM payments WHERE community_id = :communityId AND id = :id FOR UPDATE")
    Optional<Payment> lock(@Bind("communityId") UUID communityId, @Bind("id") UUID id);

    /**
     * Records the refunded total as Stripe reports it (a charge's amount_refunded only grows, so the
     * greatest value seen is the newest), whatever order the refund events come in.
     */
    @SqlUpdate("""
            UPDATE payments
               SET amount_refunded = greatest(amount_refunded, :refunded),
                   status = CASE WHEN greatest(amount_refunded, :refunded) >= amount THEN 'refunded'
                                 WHEN greatest(amount_refunded, :refunded) > 0 THEN 'partially_refunded'
                                 ELSE status END,
                   refunded_at = coalesce(refunded_at, now()),
                   charge_id = coalesce(charge_id, :chargeId),
                   updated_at = now()
             WHERE id = :id AND :refunded > amount_refunded AND status <> 'failed'
            """)
    int refund(@Bind("id") UUID id, @Bind("refunded") long refunded, @Bind("chargeId") String chargeId);

    /** One page of the community's payments matching {@code q}, newest first (keyset on created_at, id). */
    @SqlQuery("SELECT " + COLUMNS + """
             FROM payments
             WHERE community_id = :communityId
               AND (CAST(:q.accountId AS uuid) IS NULL OR account_id = CAST(:q.accountId AS uuid))
               AND (CAST(:q.method AS text) IS NULL OR method = CAST(:q.method AS text))
               AND (CAST(:q.status AS text) IS NULL OR status = CAST(:q.status AS text))
               AND (CAST(:q.fromAt AS timestamptz) IS NULL OR coalesce(paid_at, created_at) >= CAST(:q.fromAt AS timestamptz))
               AND (CAST(:q.toBefore AS timestamptz) IS NULL OR coalesce(paid_at, created_at) < CAST(:q.toBefore AS timestamptz))
               AND (CAST(:afterAt AS timestamptz) IS NULL OR (created_at, id) < (CAST(:afterAt AS timestamptz), CAST(:afterId AS uuid)))
             ORDER BY created_at DESC, id DESC
             LIMIT :limit
            """)
    List<Payment> page(@Bind("communityId") UUID communityId, @BindMethods("q") PaymentQuery q,
                       @Bind("afterAt") Instant afterAt, @Bind("afterId") UUID afterId, @Bind("limit") int limit);

    /** A year's takings per tier, method and currency: payments that succeeded (refunds shown, voided left out). */
    @SqlQuery("""
            SELECT p.tier_id, t.name AS tier_name, p.method, p.currency, count(*) AS payments,
                   sum(p.amount) AS amount, sum(p.amount_refunded) AS refunded, sum(p.amount - p.amount_refunded) AS net
              FROM payments p LEFT JOIN dues_tiers t ON t.id = p.tier_id
             WHERE p.community_id = :communityId AND p.status IN ('succeeded', 'partially_refunded', 'refunded')
               AND p.paid_at >= :from AND p.paid_at < :to
             GROUP BY p.tier_id, t.name, p.method, p.currency
             ORDER BY t.name NULLS LAST, p.tier_id, p.method, p.currency
            """)
    @RegisterConstructorMapper(PaymentSummary.Line.class)
    List<PaymentSummary.Line> summary(@Bind("communityId") UUID communityId, @Bind("from") Instant from, @Bind("to") Instant to);
}
