package com.koomy.payments;

import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ReceiptDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final PaymentRows rows = new PaymentRows(db.jdbi());
    private final ReceiptDao dao = db.jdbi().onDemand(ReceiptDao.class);

    @Test
    void numbersCountPerCommunityAndYearAndAReceiptIsVoidedOnce() {
        UUID club = rows.community("Club");
        UUID other = rows.community("Other");
        UUID ann = rows.account("Ann");
        UUID payment = rows.manual(club, ann, null, 500, "cash", Instant.parse("2026-03-01T00:00:00Z"), null);
        UUID kept = rows.manual(club, ann, null, 500, "cash", Instant.parse("2026-03-01T00:00:00Z"), null);

        assertThat(dao.next(club, 2026)).isEqualTo(1);
        assertThat(dao.next(club, 2026)).isEqualTo(2);
        assertThat(dao.next(club, 2027)).isEqualTo(1);
        assertThat(dao.next(other, 2026)).isEqualTo(1);
        dao.insert(new ReceiptDao.Issued(payment, club, 2026, 2));
        dao.insert(new ReceiptDao.Issued(kept, club, 2026, 12345));

        assertThat(dao.find(payment)).contains(new ReceiptDao.YearNumber(2026, 2));
        assertThat(dao.find(UUID.randomUUID())).isEmpty();
        PaymentDao payments = db.jdbi().onDemand(PaymentDao.class);
        assertThat(payments.find(payment).orElseThrow().receiptNumber()).isEqualTo("R-2026-0002");
        assertThat(payments.find(kept).orElseThrow().receiptNumber()).isEqualTo("R-2026-12345");

        dao.voidFor(payment);
        rows.sql("UPDATE receipts SET voided_at = '2020-01-01T00:00:00Z' WHERE payment_id = ?", payment);
        dao.voidFor(payment);
        assertThat(receipt(payment)).isEqualTo("void 2020-01-01T00:00:00Z");
        assertThat(receipt(kept)).isEqualTo("issued ");
    }

    private String receipt(UUID payment) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT status, voided_at FROM receipts WHERE payment_id = :id")
                .bind("id", payment)
                .map((rs, ctx) -> rs.getString(1) + " " + (rs.getTimestamp(2) == null ? "" : rs.getTimestamp(2).toInstant()))
                .one());
    }
}
