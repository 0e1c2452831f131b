package com.koomy.payments;

import com.koomy.errors.ApiException;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;
import com.koomy.memberships.Memberships;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Payments made outside Stripe (cash, cheque, bank transfer), recorded by an owner or admin. Such a
 * payment does what a card payment's success does, in one transaction: the same {@link DuesExtensions}
 * row moves the member's paid-until, the same numbered receipt ({@link Receipts}) is issued and emailed.
 * Voiding it undoes the extension (as a full refund does) and marks the receipt void; nothing is deleted.
 * <p>
 * Every request carries the client's idempotency key (unique per community): a retried request answers
 * the payment its first attempt made, and a key sent again with other values is refused.
 */
public class ManualPayments {

    private final Jdbi jdbi;
    private final Clock clock;

    public ManualPayments(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** {@code amount} null: the tier's; {@code paidOn} null: today (UTC). */
    public record NewPayment(UUID accountId, UUID tierId, String method, Long amount, LocalDate paidOn, String reference) {
    }

    /** {@code created}: false when the key named a payment recorded before (a retry). */
    public record Recorded(Payment payment, boolean created) {
    }

    /**
     * Owners and admins. 404 community (not a manager's), member_not_found, tier_not_found; 403 other members;
     * 400 invalid values (naming the field); 409 idempotency_key_reused when the key made another payment.
     */
    public Recorded record(UUID communityId, UUID callerId, NewPayment request, String idempotencyKey) {
        return jdbi.inTransaction(handle -> {
            MembershipDao memberships = handle.attach(MembershipDao.class);
            Memberships.requireManager(memberships.find(communityId, callerId));
            String key = requireKey(idempotencyKey);
            if (request.method() == null || !Payment.OFFLINE_METHODS.contains(request.method())) {
                throw ApiException.invalidField("invalid_method", "method", "must be one of cash, cheque, transfer");
            }
            LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
            if (request.paidOn() != null && request.paidOn().isAfter(today)) {
                throw ApiException.invalidField("invalid_paid_on", "paidOn", "must not be in the future");
            }
            memberships.find(communityId, request.accountId())
                    .filter(m -> Membership.ACTIVE.equals(m.status()) || Membership.EXPIRED.equals(m.status()))
                    .orElseThrow(() -> new ApiException(404, "member_not_found",
                            "accountId: no such member in this community"));
            DuesTier tier = handle.attach(DuesTierDao.class).find(communityId, request.tierId()).filter(DuesTier::active)
                    .orElseThrow(() -> new ApiException(404, "tier_not_found", "tierId: no such active dues tier"));
            long amount = request.amount() == null ? tier.amount() : request.amount();
            Instant paidAt = request.paidOn() == null || request.paidOn().equals(today) ? clock.instant()
                    : request.paidOn().atStartOfDay(ZoneOffset.UTC).toInstant();
            PaymentDao payments = handle.attach(PaymentDao.class);
            Optional<UUID> inserted = payments.insertManual(new PaymentDao.Manual(UUID.randomUUID(), communityId,
                    request.accountId(), tier.id(), tier.name(), amount, tier.currency(), paidAt, request.method(),
                    blankToNull(request.reference()), callerId, key));
            if (inserted.isEmpty()) {
                Payment earlier = payments.byClientReference(communityId, key);
                if (!earlier.accountId().equals(request.accountId()) || !Objects.equals(earlier.tierId(), tier.id())
                        || !earlier.method().equals(request.method()) || earlier.amount() != amount) {
                    throw new ApiException(409, "idempotency_key_reused",
                            "Idempotency-Key: already used for another payment (" + earlier.id() + ")");
                }
                return new Recorded(earlier, false);
            }
            Payment payment = payments.find(inserted.get()).orElseThrow();
            LocalDate paidUntil = DuesExtensions.extend(handle, payment, paidAt.atZone(ZoneOffset.UTC).toLocalDate());
            PaymentEvents.receipt(handle, payment, paidUntil);
            return new Recorded(payments.find(payment.id()).orElseThrow(), true);
        });
    }

    /**
     * Voids a recorded payment: the paid-until extension rolled back (when no later payment moved it since),
     * the receipt marked void. Owners and admins; voiding twice answers the voided payment. 404
     * payment_not_found (also another community's id); 409 card_payment (refund those instead).
     */
    public Payment voidPayment(UUID communityId, UUID callerId, UUID paymentId, String reason) {
        return jdbi.inTransaction(handle -> {
            Memberships.requireManager(handle.attach(MembershipDao.class).find(communityId, callerId));
            PaymentDao payments = handle.attach(PaymentDao.class);
            Payment payment = payments.lock(communityId, paymentId).orElseThrow(ManualPayments::paymentNotFound);
            if (payment.isCard()) {
                throw new ApiException(409, "card_payment",
                        "paymentId: a card payment cannot be voided; refund it (POST .../refund)");
            }
            if (Payment.VOID.equals(payment.status())) {
                return payment;
            }
            payments.markVoid(payment.id(), callerId, blankToNull(reason));
            DuesExtensions.rollBack(handle, payment);
            Receipts.voidFor(handle, payment);
            return payments.find(payment.id()).orElseThrow();
        });
    }

    static ApiException paymentNotFound() {
        return new ApiException(404, "payment_not_found", "paymentId: no such payment in this community");
    }

    /** The client's idempotency key, required: 1 to 100 visible characters. */
    static String requireKey(String key) {
        if (key == null || key.isBlank()) {
            throw new ApiException(400, "idempotency_key_required",
                    "Idempotency-Key: a header (or clientReference) naming this request, reused on retries");
        }
        if (key.length() > 100 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw ApiException.invalidField("invalid_idempotency_key", "Idempotency-Key", "must have 1 to 100 visible ASCII characters");
        }
        return key;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
