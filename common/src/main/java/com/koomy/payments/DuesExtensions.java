package com.koomy.payments;

import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.LocalDate;
import java.util.Optional;

/**
 * The membership's paid-until date moved by a payment, once: the {@code dues_extensions} row (primary
 * key: the payment) is written in the same statement order as the membership update, so a payment can
 * never extend twice, and a refund finds exactly what to undo.
 */
final class DuesExtensions {

    private static final Logger LOG = LoggerFactory.getLogger(DuesExtensions.class);

    private DuesExtensions() {
    }

    /** Extends the payer's membership; returns the new paid-until, or null when the member has left. */
    static LocalDate extend(Handle handle, Payment payment, LocalDate paidOn) {
        Optional<LocalDate[]> before = handle.createQuery("""
                        SELECT dues_paid_until FROM memberships
                         WHERE community_id = :communityId AND account_id = :accountId FOR UPDATE
                        """)
                .bind("communityId", payment.communityId()).bind("accountId", payment.accountId())
                .map((rs, ctx) -> new LocalDate[] {rs.getObject(1, LocalDate.class)})
                .findOne();
        if (before.isEmpty()) {
            LOG.warn("Payment {} succeeded but account {} is no longer a member of {}: recorded, nothing extended",
                    payment.id(), payment.accountId(), payment.communityId());
            return null;
        }
        DuesTier tier = handle.attach(DuesTierDao.class).find(payment.communityId(), payment.tierId()).orElseThrow();
        LocalDate after = tier.paidUntil(before.get()[0], paidOn);
        int inserted = handle.createUpdate("""
                        INSERT INTO dues_extensions (payment_id, community_id, account_id, paid_until_before, paid_until_after)
                        VALUES (:paymentId, :communityId, :accountId, :before, :after)
                        ON CONFLICT (payment_id) DO NOTHING
                        """)
                .bind("paymentId", payment.id()).bind("communityId", payment.communityId())
                .bind("accountId", payment.accountId()).bind("before", before.get()[0]).bind("after", after)
                .execute();
        if (inserted == 0) {
            return after; // already extended by this payment
        }
        handle.createUpdate("""
                        UPDATE memberships
                           SET dues_paid_until = :after,
                               status = CASE WHEN status = 'expired' THEN 'active' ELSE status END, updated_at = now()
                         WHERE community_id = :communityId AND account_id = :accountId
                        """)
                .bind("after", after).bind("communityId", payment.communityId()).bind("accountId", payment.accountId())
                .execute();
        return after;
    }

    /**
     * Undoes a fully refunded (or voided) payment's extension when it is still the one in force (the paid-until is
     * the date it set). When a later payment has extended the membership since, the date stays: the later
     * payment paid for it; the extension is marked rolled back and the log says so for an admin to judge.
     */
    static void rollBack(Handle handle, Payment payment) {
        Optional<LocalDate[]> extension = handle.createQuery("""
                        UPDATE dues_extensions SET rolled_back_at = now()
                         WHERE payment_id = :paymentId AND rolled_back_at IS NULL
                        RETURNING paid_until_before, paid_until_after
                        """)
                .bind("paymentId", payment.id())
                .map((rs, ctx) -> new LocalDate[] {rs.getObject(1, LocalDate.class), rs.getObject(2, LocalDate.class)})
                .findOne();
        if (extension.isEmpty()) {
            return;
        }
        int restored = handle.createUpdate("""
                        UPDATE memberships SET dues_paid_until = :before, updated_at = now()
                         WHERE community_id = :communityId AND account_id = :accountId AND dues_paid_until = :after
                        """)
                .bind("before", extension.get()[0]).bind("after", extension.get()[1])
                .bind("communityId", payment.communityId()).bind("accountId", payment.accountId())
                .execute();
        if (restored == 0) {
            LOG.warn("Payment {} refunded or voided, but the paid-until of {} in {} has moved since it was extended to {}; left as is",
                    payment.id(), payment.accountId(), payment.communityId(), extension.get()[1]);
        }
    }
}
