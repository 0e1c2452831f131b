package com.koomy.payments;

import org.jdbi.v3.core.Handle;

import java.time.ZoneOffset;

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
        String existing = handle.createQuery("SELECT year, number FROM receipts WHERE payment_id = :id")
                .bind("id", payment.id()).map((rs, ctx) -> format(rs.getInt(1), rs.getInt(2))).findOne().orElse(null);
        if (existing != null) {
            return existing;
        }
        int number = handle.createQuery("""
                        INSERT INTO receipt_counters (community_id, year, last_number) VALUES (:communityId, :year, 1)
                        ON CONFLICT (community_id, year) DO UPDATE SET last_number = receipt_counters.last_number + 1
                        RETURNING last_number
                        """)
                .bind("communityId", payment.communityId()).bind("year", year).mapTo(Integer.class).one();
        handle.createUpdate("""
                        INSERT INTO receipts (payment_id, community_id, year, number)
                        VALUES (:paymentId, :communityId, :year, :number)
                        """)
                .bind("paymentId", payment.id()).bind("communityId", payment.communityId()).bind("year", year)
                .bind("number", number).execute();
        return format(year, number);
    }

    /** Marks the payment's receipt void (its number stays taken). */
    static void voidFor(Handle handle, Payment payment) {
        handle.createUpdate("UPDATE receipts SET status = 'void', voided_at = now() WHERE payment_id = :id AND status = 'issued'")
                .bind("id", payment.id()).execute();
    }

    static String format(int year, int number) {
        return "R-" + year + "-" + (number < 10000 ? String.format("%04d", number) : Integer.toString(number));
    }
}
