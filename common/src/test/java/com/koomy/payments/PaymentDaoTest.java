package com.koomy.payments;

import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class PaymentDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static final Instant PAID = Instant.parse("2026-03-01T12:00:00Z");

    private final PaymentRows rows = new PaymentRows(db.jdbi());
    private final PaymentDao dao = db.jdbi().onDemand(PaymentDao.class);
    private final UUID club = rows.community("Club");
    private final UUID ann = rows.account("Ann");
    private final UUID tier = rows.tier(club, "Adult", 1000);

    @Test
    void aStripeFactAppliedTwiceChangesNothingAndOnlyAFailedPaymentSucceedsLater() {
        UUID failed = rows.card(club, ann, tier, "pi_f", 1000, Payment.FAILED, null);
        UUID paid = rows.card(club, ann, tier, "pi_p", 1000, Payment.SUCCEEDED, PAID);
        ConnectEventScope.Scope scope = rows.checkout(club, ann, tier);

        assertThat(dao.insert(scope, new PaymentDao.Attempt(UUID.randomUUID(), "pi_p", null, null, 5, "eur", "failed", "no", null)))
                .isEmpty();
        dao.recordFailure("pi_f", "expired_card");
        dao.recordFailure("pi_p", "late failure");
        assertThat(dao.succeedFailed("pi_p", 2000, 60, PAID)).isEmpty();
        assertThat(dao.find(failed).orElseThrow().failureMessage()).isEqualTo("expired_card");
        assertThat(dao.succeedFailed("pi_f", 1200, 40, PAID)).contains(failed);

        Payment recovered = dao.find(failed).orElseThrow();
        assertThat(recovered.status()).isEqualTo(Payment.SUCCEEDED);
        assertThat(recovered.amount()).isEqualTo(1200);
        assertThat(recovered.applicationFee()).isEqualTo(40);
        assertThat(recovered.failureMessage()).isNull();
        Payment untouched = dao.find(paid).orElseThrow();
        assertThat(untouched.amount()).isEqualTo(1000);
        assertThat(untouched.failureMessage()).isNull();
    }

    @Test
    void fillIdsFillsOnlyWhatIsMissing() {
        UUID id = rows.card(club, ann, tier, "pi_1", 1000, Payment.SUCCEEDED, PAID);
        UUID other = rows.card(club, ann, tier, "pi_2", 1000, Payment.SUCCEEDED, PAID);

        dao.fillIds("pi_1", "cs_1", null);
        dao.fillIds("pi_1", "cs_other", "ch_1");
        dao.fillIds("pi_1", null, "ch_other");

        Payment filled = dao.find(id).orElseThrow();
        assertThat(filled.checkoutSessionId()).isEqualTo("cs_1");
        assertThat(filled.chargeId()).isEqualTo("ch_1");
        assertThat(dao.find(other).orElseThrow().chargeId()).isNull();
        assertThat(dao.lockByPaymentIntent("pi_1")).map(Payment::id).contains(id);
    }

    @Test
    void refundsOnlyGrowMoveTheStatusAndNeverTouchAFailedPayment() {
        UUID id = rows.card(club, ann, tier, "pi_r", 1000, Payment.SUCCEEDED, PAID);
        UUID failed = rows.card(club, ann, tier, "pi_x", 1000, Payment.FAILED, null);

        assertThat(dao.refund(id, 300, "ch_r")).isEqualTo(1);
        Payment partial = dao.find(id).orElseThrow();
        assertThat(dao.refund(id, 200, null)).as("an older event, out of order").isZero();
        assertThat(dao.refund(id, 1000, null)).isEqualTo(1);
        assertThat(dao.refund(failed, 500, null)).isZero();

        assertThat(partial.status()).isEqualTo(Payment.PARTIALLY_REFUNDED);
        assertThat(partial.amountRefunded()).isEqualTo(300);
        Payment full = dao.find(id).orElseThrow();
        assertThat(full.status()).isEqualTo(Payment.REFUNDED);
        assertThat(full.amountRefunded()).isEqualTo(1000);
        assertThat(full.chargeId()).isEqualTo("ch_r");
        assertThat(full.refundedAt()).isEqualTo(partial.refundedAt());
        assertThat(dao.find(failed).orElseThrow().amountRefunded()).isZero();
    }

    @Test
    void aManualPaymentKeyIsOncePerCommunityAndVoidingIsThePaymentsOwn() {
        UUID elsewhere = rows.community("Other");
        UUID first = rows.manual(club, ann, tier, 500, "cash", PAID, "k1");
        UUID sameKeyElsewhere = rows.manual(elsewhere, ann, null, 700, "cheque", PAID, "k1");
        Optional<UUID> again = dao.insertManual(new PaymentDao.Manual(UUID.randomUUID(), club, ann, tier, "Dues", 900,
                "eur", PAID, "cash", null, ann, "k1"));

        assertThat(again).isEmpty();
        assertThat(dao.byClientReference(club, "k1").id()).isEqualTo(first);
        assertThat(dao.byClientReference(elsewhere, "k1").id()).isEqualTo(sameKeyElsewhere);
        assertThat(dao.lock(elsewhere, first)).isEmpty();
        assertThat(dao.lock(club, first)).map(Payment::amount).contains(500L);

        dao.markVoid(first, ann, "typo");
        Payment voided = dao.find(first).orElseThrow();
        assertThat(voided.status()).isEqualTo(Payment.VOID);
        assertThat(voided.voidReason()).isEqualTo("typo");
        assertThat(dao.find(sameKeyElsewhere).orElseThrow().status()).isEqualTo(Payment.SUCCEEDED);
    }

    @Test
    void pageFiltersAndPagesNewestFirst() {
        UUID bob = rows.account("Bob");
        UUID oldest = rows.manual(club, ann, tier, 100, "cash", Instant.parse("2026-01-31T23:59:59Z"), null);
        UUID middle = rows.card(club, bob, tier, "pi_m", 200, Payment.SUCCEEDED, Instant.parse("2026-02-01T00:00:00Z"));
        UUID failed = rows.card(club, ann, tier, "pi_fail", 300, Payment.FAILED, null);
        UUID newest = rows.manual(club, ann, tier, 400, "cheque", Instant.parse("2026-02-28T23:59:59Z"), null);
        rows.manual(rows.community("Other"), ann, tier, 500, "cash", PAID, null);

        List<Payment> first = dao.page(club, PaymentQuery.ALL, null, null, 2);
        Payment last = first.get(1);

        assertThat(first).extracting(Payment::id).containsExactly(newest, failed);
        assertThat(dao.page(club, PaymentQuery.ALL, last.createdAt(), last.id(), 10)).extracting(Payment::id)
                .containsExactly(middle, oldest);
        assertThat(ids(new PaymentQuery(ann, null, null, null, null))).containsExactly(newest, failed, oldest);
        assertThat(ids(new PaymentQuery(null, null, null, "cash", null))).containsExactly(oldest);
        assertThat(ids(new PaymentQuery(null, null, null, null, Payment.FAILED))).containsExactly(failed);
        assertThat(ids(new PaymentQuery(null, LocalDate.parse("2026-02-01"), LocalDate.parse("2026-02-28"), null, null)))
                .containsExactly(newest, middle);
    }

    @Test
    void theSummaryGroupsTheYearsSucceededPaymentsByTierMethodAndCurrency() {
        UUID young = rows.tier(club, "Young", 500);
        UUID other = rows.community("Other");
        Instant year = Instant.parse("2026-01-01T00:00:00Z");
        Instant next = Instant.parse("2027-01-01T00:00:00Z");
        rows.card(club, ann, young, "pi_a", 1000, Payment.SUCCEEDED, year);
        dao.refund(rows.card(club, ann, young, "pi_b", 1000, Payment.SUCCEEDED, PAID), 400, null);
        rows.card(club, ann, young, "pi_c", 1000, Payment.FAILED, PAID);
        rows.manual(club, ann, tier, 300, "cash", PAID, null);
        dao.markVoid(rows.manual(club, ann, tier, 999, "cash", PAID, null), ann, "wrong");
        rows.manual(club, ann, tier, 1000, "cash", next, null);
        rows.manual(club, ann, tier, 1000, "cheque", next.minusSeconds(1), null);
        rows.manual(other, ann, null, 300, "cash", PAID, null);

        assertThat(dao.summary(club, year, next)).containsExactly(
                new PaymentSummary.Line(tier, "Adult", "cash", "eur", 1, 300, 0, 300),
                new PaymentSummary.Line(tier, "Adult", "cheque", "eur", 1, 1000, 0, 1000),
                new PaymentSummary.Line(young, "Young", "card", "eur", 2, 2000, 400, 1600));
    }

    private List<UUID> ids(PaymentQuery query) {
        return dao.page(club, query, null, null, 50).stream().map(Payment::id).toList();
    }
}
