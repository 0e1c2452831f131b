package com.koomy.payments;

import jakarta.annotation.Nullable;
import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.errors.ApiException;
import com.koomy.communities.CommunityLifeDao;
import com.koomy.jobs.OutboxDao;
import com.koomy.memberships.MembershipDao;
import com.koomy.memberships.Memberships;
import com.koomy.stripe.StripeGateway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A manager refunding a card payment, fully or partly: a Stripe refund on the community's connected
 * account (the payment was a direct charge there). The request row is written first (its id is the
 * Stripe idempotency key), then Stripe is called while the client waits; the payment's refunded total and
 * status change only when Stripe's {@code charge.refunded} arrives (PaymentEvents), as for a refund made
 * in Stripe's dashboard. A retried request (same Idempotency-Key) finds its row and, when the first
 * attempt never got Stripe's answer, makes the same call again: Stripe answers the same refund. A card payment
 * that completes for an archived community is refunded the same way without a manager ({@link #refundIfArchived},
 * then {@link #send} in the worker).
 */
public class PaymentRefunds {

    public static final Set<String> REASONS = Set.of("duplicate", "fraudulent", "requested_by_customer");
    /** Outbox kind: ask Stripe for a refund no manager waits for (ref: the refund's id; {@link SendRefund}). */
    public static final String SEND_KIND = "payment-refund";
    /** payment_refunds.cause of a payment completed after its community was archived (V32). */
    public static final String COMMUNITY_ARCHIVED = "community_archived";

    private static final Logger LOG = LoggerFactory.getLogger(PaymentRefunds.class);

    private final Jdbi jdbi;
    private final StripeGateway stripe;

    public PaymentRefunds(Jdbi jdbi, StripeGateway stripe) {
        this.jdbi = jdbi;
        this.stripe = stripe;
    }

    public record Refund(UUID id, UUID paymentId, long amount, String currency, @Nullable String reason, String status,
                         @Nullable String stripeRefundId, Instant createdAt) {
    }

    private record Prepared(Refund refund, Payment payment, boolean call) {
    }

    /**
     * Owners and admins; {@code amount} null: all that is left. 404 payment_not_found; 409 not_a_card_payment,
     * not_refundable, idempotency_key_reused; 422 amount_too_large; 503 stripe_not_configured or
     * stripe_unavailable (retry with the same key); 502 stripe_refused.
     */
    public Refund refund(UUID communityId, UUID callerId, UUID paymentId, Long amount, String reason, String idempotencyKey) {
        Prepared prepared = jdbi.inTransaction(handle -> {
            Memberships.requireManager(handle.attach(MembershipDao.class).find(communityId, callerId));
            Payment payment = handle.attach(PaymentDao.class).lock(communityId, paymentId)
                    .orElseThrow(ManualPayments::paymentNotFound);
            String key = ManualPayments.requireKey(idempotencyKey);
            if (reason != null && !REASONS.contains(reason)) {
                throw ApiException.invalidField("invalid_reason", "reason", "must be one of duplicate, fraudulent, requested_by_customer");
            }
            if (!payment.isCard()) {
                throw new ApiException(409, "not_a_card_payment",
                        "paymentId: a payment recorded by hand is voided (POST .../void), not refunded");
            }
            Optional<Refund> earlier = byKey(handle, paymentId, key);
            if (earlier.isPresent()) {
                if (amount != null && amount != earlier.get().amount()) {
                    throw new ApiException(409, "idempotency_key_reused",
                            "Idempotency-Key: already used for a refund of " + earlier.get().amount());
                }
                return new Prepared(earlier.get(), payment, "requested".equals(earlier.get().status()));
            }
            if (Payment.FAILED.equals(payment.status()) || Payment.REFUNDED.equals(payment.status())) {
                throw new ApiException(409, "not_refundable", "paymentId: a " + payment.status() + " payment cannot be refunded");
            }
            if (!stripe.isConfigured()) {
                throw new ApiException(503, "stripe_not_configured", "refunds need STRIPE_API_KEY");
            }
            long asked = handle.attach(PaymentRefundDao.class).asked(paymentId);
            long left = payment.amount() - Math.max(payment.amountRefunded(), asked);
            long wanted = amount == null ? left : amount;
            if (wanted < 1 || wanted > left) {
                throw new ApiException(422, "amount_too_large", "amount: at most " + left + " ("
                        + Payment.format(left, payment.currency()) + " " + payment.currency() + ") can still be refunded");
            }
            UUID id = UUID.randomUUID();
            handle.attach(PaymentRefundDao.class)
                    .insert(new PaymentRefundDao.NewRefund(id, paymentId, communityId, wanted, reason, key, callerId));
            return new Prepared(byKey(handle, paymentId, key).orElseThrow(), payment, true);
        });
        if (!prepared.call()) {
            return prepared.refund();
        }
        return callStripe(communityId, callerId, prepared);
    }

    /**
     * A card payment just recorded as succeeded (in the event's transaction): when its community is archived (read
     * FOR KEY SHARE, so ordered with the archive as every write is, V31), the whole amount is to be refunded: the
     * refund row (cause {@value #COMMUNITY_ARCHIVED}, no manager) and an outbox row for {@link #send}. True then:
     * the caller neither extends the dues nor sends a receipt. Once per payment (client key "community-archived").
     */
    public static boolean refundIfArchived(Handle handle, Payment payment) {
        boolean archived = handle.attach(CommunityLifeDao.class).archivedForKeyShare(payment.communityId());
        if (!archived) {
            return false;
        }
        UUID id = UUID.randomUUID();
        boolean inserted = handle.attach(PaymentRefundDao.class).insertArchived(new PaymentRefundDao.ArchivedRefund(
                id, payment.id(), payment.communityId(), payment.amount(), COMMUNITY_ARCHIVED));
        if (inserted) {
            handle.attach(OutboxDao.class).add(SEND_KIND, id.toString());
            LOG.warn("Payment {} ({}) completed for archived community {}: refunding it in full (refund {})",
                    payment.id(), payment.paymentIntentId(), payment.communityId(), id);
        }
        return true;
    }

    /**
     * The worker's side of {@link #refundIfArchived}: asks Stripe for the refund, as {@link #refund} does (same
     * form, idempotency key {@code refund:<id>}), unless Stripe answered it already. Stripe unavailable: thrown
     * (JobRunr retries); refused: the row is marked failed and the refusal logged for an operator.
     */
    public void send(UUID refundId) {
        Prepared p = jdbi.withHandle(handle -> {
            UUID paymentId = handle.attach(PaymentRefundDao.class).paymentOf(refundId)
                    .orElseThrow(() -> new IllegalStateException("refund " + refundId + " is gone"));
            Refund refund = byKey(handle, paymentId, null, refundId).orElseThrow();
            Payment payment = handle.attach(PaymentDao.class).find(refund.paymentId()).orElseThrow();
            return new Prepared(refund, payment, "requested".equals(refund.status()));
        });
        if (!p.call()) {
            return;
        }
        JsonNode refund;
        try {
            refund = stripe.post("/v1/refunds", form(p), "refund:" + refundId, p.payment().stripeAccount());
        } catch (ApiException e) {
            if (!"stripe_error".equals(e.code())) {
                throw e;
            }
            setStatus(refundId, null, "failed");
            LOG.error("Stripe refused refund {} of payment {}: {}", refundId, p.payment().id(), e.getMessage());
            return;
        }
        setStatus(refundId, refund.path("id").asText(null), refund.path("status").asText("pending"));
    }

    private static Map<String, String> form(Prepared p) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("payment_intent", p.payment().paymentIntentId());
        form.put("amount", Long.toString(p.refund().amount()));
        if (p.refund().reason() != null) {
            form.put("reason", p.refund().reason());
        }
        form.put("metadata[" + DuesCheckouts.META_COMMUNITY + "]", p.payment().communityId().toString());
        form.put("metadata[koomy_refund_id]", p.refund().id().toString());
        return form;
    }

    private Refund callStripe(UUID communityId, UUID callerId, Prepared p) {
        JsonNode refund;
        try {
            refund = stripe.postFor(communityId, callerId, "/v1/refunds", form(p), "refund:" + p.refund().id(),
                    p.payment().stripeAccount());
        } catch (ApiException e) {
            if ("stripe_busy".equals(e.code()) || StripeGateway.retryable(e)) {
                throw new ApiException(503, "stripe_unavailable",
                        "Stripe did not answer the refund; send the same request (same Idempotency-Key) again: " + e.getMessage());
            }
            if (!"stripe_error".equals(e.code())) {
                throw e; // not a refusal by Stripe (a rate limit, Stripe not configured): nothing was asked of it
            }
            setStatus(p.refund().id(), null, "failed");
            throw new ApiException(502, "stripe_refused", "Stripe refused the refund: " + e.getMessage());
        }
        setStatus(p.refund().id(), refund.path("id").asText(null), refund.path("status").asText("pending"));
        return jdbi.withHandle(h -> byKey(h, p.refund().paymentId(), null, p.refund().id()).orElseThrow());
    }

    private void setStatus(UUID id, String stripeId, String status) {
        jdbi.useHandle(h -> h.attach(PaymentRefundDao.class).setStatus(id, stripeId, status));
    }

    private static Optional<Refund> byKey(Handle handle, UUID paymentId, String key) {
        return byKey(handle, paymentId, key, null);
    }

    private static Optional<Refund> byKey(Handle handle, UUID paymentId, String key, UUID id) {
        return handle.attach(PaymentRefundDao.class).find(paymentId, key, id);
    }
}
