package com.koomy.payments;

import com.koomy.communities.Communities;
import com.koomy.csv.Csv;
import com.koomy.db.KeysetCursor;
import com.koomy.db.Page;
import com.koomy.errors.ApiException;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;
import com.koomy.memberships.Memberships;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Transaction history: a community's payments for its owners and admins, a member's own for that
 * member; newest first, keyset-paginated on (created_at, id), and as CSV (written page by page, so memory
 * stays flat however long the history).
 */
public class PaymentHistory {

    public static final String[] CSV_HEADER = {"created_at", "paid_at", "account_id", "description", "amount", "currency",
            "application_fee", "amount_refunded", "status", "payment_intent", "charge", "failure_message", "method",
            "receipt_number", "reference", "voided_at"};
    private static final int CSV_PAGE = 1000;

    private final Jdbi jdbi;

    public PaymentHistory(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** {@code mine}: only the caller's payments (any active member); else all (owners and admins). */
    public void requireAllowed(UUID communityId, UUID callerId, boolean mine) {
        jdbi.useExtension(MembershipDao.class, dao -> {
            if (mine) {
                dao.find(communityId, callerId).filter(Membership::isActive).orElseThrow(Communities::notFound);
            } else {
                Memberships.requireManager(dao.find(communityId, callerId));
            }
        });
    }

    /** {@code mine}: the query's member is the caller whatever it names. */
    public Page<Payment> page(UUID communityId, UUID callerId, boolean mine, PaymentQuery query, int limit, KeysetCursor after) {
        query.validate();
        requireAllowed(communityId, callerId, mine);
        List<Payment> rows = rows(communityId, mine ? query.mine(callerId) : query, limit + 1, after);
        return Page.of(rows, limit, p -> new KeysetCursor(p.createdAt().toString(), p.id()).encode());
    }

    private List<Payment> rows(UUID communityId, PaymentQuery query, int limit, KeysetCursor after) {
        Instant afterAt;
        try {
            afterAt = after == null ? null : Instant.parse(after.text());
        } catch (java.time.format.DateTimeParseException e) {
            throw KeysetCursor.invalid();
        }
        return jdbi.withExtension(PaymentDao.class, dao -> dao.page(communityId, query, afterAt,
                after == null ? null : after.id(), limit));
    }

    /**
     * Writes the CSV of the payments matching {@code query} (checked with {@link #requireAllowed} and
     * {@link PaymentQuery#validate} first), one page of rows in memory at a time; returns the number written.
     */
    public long writeCsv(UUID communityId, UUID callerId, boolean mine, PaymentQuery query, OutputStream stream) throws IOException {
        Csv out = Csv.to(stream).row(CSV_HEADER);
        long n = 0;
        KeysetCursor after = null;
        while (true) {
            List<Payment> rows = rows(communityId, mine ? query.mine(callerId) : query, CSV_PAGE, after);
            for (Payment p : rows) {
                out.row(p.createdAt().toString(), p.paidAt() == null ? "" : p.paidAt().toString(),
                        p.accountId().toString(), p.description(), Payment.format(p.amount(), p.currency()), p.currency(),
                        Payment.format(p.applicationFee(), p.currency()), Payment.format(p.amountRefunded(), p.currency()),
                        p.status(), p.paymentIntentId(), p.chargeId(), p.failureMessage(), p.method(), p.receiptNumber(),
                        p.reference(), p.voidedAt() == null ? "" : p.voidedAt().toString());
                n++;
            }
            if (rows.size() < CSV_PAGE) {
                break;
            }
            Payment last = rows.get(rows.size() - 1);
            after = new KeysetCursor(last.createdAt().toString(), last.id());
        }
        out.flush();
        return n;
    }

    /** Owners and admins: the calendar year's takings (UTC) per tier, method and currency. 400 invalid_year. */
    public PaymentSummary summary(UUID communityId, UUID callerId, int year) {
        if (year < 2000 || year > 2999) {
            throw ApiException.invalidField("invalid_year", "year", "must be a calendar year such as 2026");
        }
        requireAllowed(communityId, callerId, false);
        Instant from = java.time.LocalDate.of(year, 1, 1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        Instant to = java.time.LocalDate.of(year + 1, 1, 1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        return new PaymentSummary(year, jdbi.withExtension(PaymentDao.class, dao -> dao.summary(communityId, from, to)));
    }
}
