package com.koomy.payments;

import org.jdbi.v3.core.Handle;

import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Receipt numbers: R-year-number, one sequence per community and calendar year (UTC) of the payment,
 * without gaps and never reused. The counter row is incremented by the transaction that records the
 * payment, so its lock orders concurrent issuers and a rolled-back transaction gives its number back; a
 * voided payment keeps its receipt, marked void.
 */
public final class Receipts {

    /** The receipt number of {@code payments.id} as a column expression (null before a receipt is issued). */
    static final String NUMBER_OF_PAYMENT = """
            (SELECT 'R-' || r.year || '-' || CASE WHEN r.number < 10000 THEN lpad(r.number::text, 4, '0') ELSE r.number::text END
               FROM receipts r WHERE r.payment_id = payments.id)""";

    private Receipts() {
    }

    /** Issues the payment's receipt once (a second call returns the same number); returns R-year-number. */
    static String issue(Handle handle, Payment payment) {
        int year = payment.paidAt().atZone(ZoneOffset.UTC).getYear();
        ReceiptDao receipts = handle.attach(ReceiptDao.class);
        Optional<ReceiptDao.YearNumber> existing = receipts.find(payment.id());
        if (existing.isPresent()) {
            return format(existing.get().year(), existing.get().number());
        }
        int number = receipts.next(payment.communityId(), year);
        receipts.insert(new ReceiptDao.Issued(payment.id(), payment.communityId(), year, number));
        return format(year, number);
    }

    /** Marks the payment's receipt void (its number stays taken). */
    static void voidFor(Handle handle, Payment payment) {
        handle.attach(ReceiptDao.class).voidFor(payment.id());
    }

    static String format(int year, int number) {
        return "R-" + year + "-" + (number < 10000 ? String.format("%04d", number) : Integer.toString(number));
    }
}
