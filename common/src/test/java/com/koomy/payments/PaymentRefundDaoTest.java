package com.koomy.payments;

import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class PaymentRefundDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final PaymentRows rows = new PaymentRows(db.jdbi());
    private final PaymentRefundDao dao = db.jdbi().onDemand(PaymentRefundDao.class);
    private final UUID club = rows.community("Club");
    private final UUID ann = rows.account("Ann");
    private final UUID payment = rows.card(club, ann, null, "pi_" + UUID.randomUUID().toString().substring(0, 8), 1000,
            Payment.SUCCEEDED, Instant.parse("2026-03-01T00:00:00Z"));

    private UUID refund(UUID paymentId, long amount, String key) {
        UUID id = UUID.randomUUID();
        dao.insert(new PaymentRefundDao.NewRefund(id, paymentId, club, amount, "duplicate", key, ann));
        return id;
    }

    @Test
    void askedCountsTheRefundsThatMayStillHappen() {
        UUID other = rows.card(club, ann, null, "pi_other", 1000, Payment.SUCCEEDED, Instant.now());
        refund(payment, 100, "a");
        dao.setStatus(refund(payment, 200, "b"), "re_b", "failed");
        dao.setStatus(refund(payment, 400, "c"), "re_c", "canceled");
        dao.setStatus(refund(payment, 50, "d"), "re_d", "succeeded");
        refund(other, 900, "a");

        assertThat(dao.asked(payment)).isEqualTo(150);
        assertThat(dao.asked(UUID.randomUUID())).isZero();
    }

    @Test
    void theArchivedCommunitysRefundIsOncePerPayment() {
        UUID first = UUID.randomUUID();

        assertThat(dao.insertArchived(new PaymentRefundDao.ArchivedRefund(first, payment, club, 1000, "community_archived")))
                .isTrue();
        assertThat(dao.insertArchived(new PaymentRefundDao.ArchivedRefund(UUID.randomUUID(), payment, club, 1000,
                "community_archived"))).isFalse();
        assertThat(dao.paymentOf(first)).contains(payment);
        assertThat(dao.find(payment, "community-archived", null)).map(PaymentRefunds.Refund::id).contains(first);
    }

    @Test
    void stripeStatusFindsTheRefundByEitherIdWithinItsPaymentAndKeepsTheFirstStripeId() {
        UUID byStripe = refund(payment, 100, "a");
        UUID byOurs = refund(payment, 100, "b");
        UUID other = rows.card(club, ann, null, "pi_2", 1000, Payment.SUCCEEDED, Instant.now());
        UUID elsewhere = refund(other, 100, "c");
        dao.setStatus(byStripe, "re_1", "pending");
        dao.setStatus(byStripe, "re_ignored", "pending");
        dao.setStatus(elsewhere, "re_3", "pending");

        dao.recordStripeStatus(payment, "re_1", null, "succeeded");
        dao.recordStripeStatus(payment, "re_2", byOurs.toString(), "succeeded");
        dao.recordStripeStatus(payment, "re_3", elsewhere.toString(), "failed");

        assertThat(dao.find(payment, null, byStripe)).map(r -> r.stripeRefundId() + " " + r.status()).contains("re_1 succeeded");
        assertThat(dao.find(payment, "b", null)).map(r -> r.stripeRefundId() + " " + r.status()).contains("re_2 succeeded");
        assertThat(dao.find(other, "c", null)).map(r -> r.stripeRefundId() + " " + r.status()).contains("re_3 pending");
        assertThat(dao.find(other, "a", byStripe)).isEmpty();
        assertThat(dao.find(payment, "a", null)).map(PaymentRefunds.Refund::currency).contains("eur");
    }
}
