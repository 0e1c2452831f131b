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
        DuesExtensionDao extensions = handle.attach(DuesExtensionDao.class);
        Optional<DuesExtensionDao.PaidUntil> before = extensions.lockMembership(payment.communityId(), payment.accountId());
        if (before.isEmpty()) {
            LOG.warn("Payment {} succeeded but account {} is no longer a member of {}: recorded, nothing extended",
                    payment.id(), payment.accountId(), payment.communityId());
            return null;
        }
        DuesTier tier = handle.attach(DuesTierDao.class).find(payment.communityId(), payment.tierId()).orElseThrow();
        LocalDate after = tier.paidUntil(before.get().duesPaidUntil(), paidOn);
        if (!extensions.insert(new DuesExtensionDao.Extension(payment.id(), payment.communityId(), payment.accountId(),
                before.get().duesPaidUntil(), after))) {
            return after; // already extended by this payment
        }
        extensions.extendMembership(after, payment.communityId(), payment.accountId());
        return after;
    }

    /**
     * Undoes a fully refunded (or voided) payment's extension when it is still the one in force (the paid-until is
     * the date it set). When a later payment has extended the membership since, the date stays: the later
     * payment paid for it; the extension is marked rolled back and the log says so for an admin to judge.
     */
    static void rollBack(Handle handle, Payment payment) {
        DuesExtensionDao extensions = handle.attach(DuesExtensionDao.class);
        Optional<DuesExtensionDao.RolledBack> extension = extensions.rollBack(payment.id());
        if (extension.isEmpty()) {
            return;
        }
        int restored = extensions.restoreMembership(extension.get().paidUntilBefore(), extension.get().paidUntilAfter(),
                payment.communityId(), payment.accountId());
        if (restored == 0) {
            LOG.warn("Payment {} refunded or voided, but the paid-until of {} in {} has moved since it was extended to {}; left as is",
                    payment.id(), payment.accountId(), payment.communityId(), extension.get().paidUntilAfter());
        }
    }
}
