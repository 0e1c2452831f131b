package com.koomy.retention;

import com.koomy.communities.PurgeCommunity;
import com.koomy.payments.Payment;
import com.koomy.payments.PaymentDao;
import com.koomy.payments.PaymentQuery;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Payments, receipts and refunds outlive their community (Code de commerce L123-22, 10 years): a purged community's
 * payments stay, readable, under the name they were issued in; its row cannot be deleted while they exist (V35);
 * the payments family removes them only once the calendar year of their last fact ended ten years ago.
 */
class PaymentsRetentionTest {

    @RegisterExtension
    static RetentionFixture f = new RetentionFixture();

    private static Jdbi jdbi() {
        return f.jdbi;
    }

    /** A cash payment paid {@code paidAgo} ago (an SQL interval), with a receipt issued then. */
    private static UUID payment(Handle h, UUID community, String paidAgo) {
        UUID id = UUID.randomUUID();
        h.execute("INSERT INTO payments (id, community_id, account_id, method, amount, currency, status, paid_at, created_at, updated_at) "
                + "VALUES (?, ?, ?, 'cash', 3000, 'eur', 'succeeded', now() - CAST(? AS interval), now() - CAST(? AS interval), "
                + "now() - CAST(? AS interval))", id, community, f.account, paidAgo, paidAgo, paidAgo);
        h.execute("INSERT INTO receipts (payment_id, community_id, year, number, issued_at) "
                + "VALUES (?, ?, extract(year FROM now() - CAST(? AS interval)), ?, now() - CAST(? AS interval))",
                id, community, paidAgo, Math.abs(id.hashCode() % 1_000_000) + 1, paidAgo);
        return id;
    }

    private static List<UUID> ids(UUID community) {
        return jdbi().withExtension(PaymentDao.class, dao -> dao.page(community, PaymentQuery.ALL, null, null, 100))
                .stream().map(Payment::id).toList();
    }

    @Test
    void aPurgedCommunitysPaymentsStayReadableUnderItsFormerNameAndItsRowCannotBeDeleted() {
        UUID community = UUID.randomUUID();
        List<UUID> payments = new ArrayList<>();
        jdbi().useHandle(h -> {
            h.execute("INSERT INTO communities (id, name, slug) VALUES (?, 'Chorale de Lyon', ?)", community, "chorale-" + community);
            payments.add(payment(h, community, "2 years"));
            payments.add(payment(h, community, "3 months"));
            h.execute("INSERT INTO payment_refunds (id, payment_id, community_id, amount, client_key) VALUES (?, ?, ?, 500, 'r1')",
                    UUID.randomUUID(), payments.get(1), community);
            h.execute("UPDATE communities SET archived_at = now() - interval '40 days', deletion_due_at = now() - interval '1 day' "
                    + "WHERE id = ?", community);
        });

        assertThat(new PurgeCommunity.Handler(jdbi(), id -> { }).purgeDue()).isGreaterThanOrEqualTo(1);

        assertThat(f.strings("SELECT name || '/' || name_before_purge || '/' || (purged_at IS NOT NULL) FROM communities "
                + "WHERE id = '" + community + "'")).containsExactly("Deleted community/Chorale de Lyon/true");
        assertThat(ids(community)).containsExactlyInAnyOrderElementsOf(payments);
        String mine = " WHERE community_id = '" + community + "'";
        assertThat(f.count("SELECT count(*) FROM receipts" + mine)).isEqualTo(2);
        assertThat(f.count("SELECT count(*) FROM payment_refunds" + mine)).isEqualTo(1);
        // Before V35 this cascaded and took the books with it.
        assertThatThrownBy(() -> jdbi().useHandle(h -> h.execute("DELETE FROM communities WHERE id = ?", community)))
                .hasMessageContaining("payments_community_kept_fkey");
        assertThat(ids(community)).hasSize(2);
    }

    @Test
    void paymentsGoTenYearsAfterTheEndOfTheYearOfTheirLastFactWithTheirReceiptsAndRefunds() throws InterruptedException {
        UUID community = UUID.randomUUID();
        List<UUID> gone = new ArrayList<>();
        List<UUID> kept = new ArrayList<>();
        jdbi().useHandle(h -> {
            h.execute("INSERT INTO communities (id, name, slug) VALUES (?, 'Club de judo', ?)", community, "judo-" + community);
            for (int i = 0; i < 12; i++) { // more than one batch of 7
                gone.add(payment(h, community, "12 years " + i + " days"));
            }
            UUID refunded = payment(h, community, "12 years");
            h.execute("INSERT INTO payment_refunds (id, payment_id, community_id, amount, client_key, created_at, updated_at) "
                    + "VALUES (?, ?, ?, 100, 'old', now() - interval '12 years', now() - interval '12 years')",
                    UUID.randomUUID(), refunded, community);
            gone.add(refunded);
            // Paid 12 years ago, refunded 9 years ago: the refund is the last fact, it stays.
            UUID lateRefund = payment(h, community, "12 years");
            h.execute("INSERT INTO payment_refunds (id, payment_id, community_id, amount, client_key, created_at, updated_at) "
                    + "VALUES (?, ?, ?, 100, 'late', now() - interval '9 years', now() - interval '9 years')",
                    UUID.randomUUID(), lateRefund, community);
            kept.add(lateRefund);
            // Paid 12 years ago, its receipt voided 9 years ago: stays.
            UUID lateVoid = payment(h, community, "12 years");
            h.execute("UPDATE receipts SET status = 'void', voided_at = now() - interval '9 years' WHERE payment_id = ?", lateVoid);
            kept.add(lateVoid);
            // Paid on the 2nd of January ten years ago: more than ten years old, but its year ended less than ten years ago.
            UUID thisYear = UUID.randomUUID();
            h.execute("INSERT INTO payments (id, community_id, account_id, method, amount, currency, status, paid_at, created_at, updated_at) "
                    + "SELECT ?, ?, ?, 'cheque', 2000, 'eur', 'succeeded', t, t, t "
                    + "FROM (SELECT date_trunc('year', now(), 'UTC') - interval '10 years' + interval '1 day' AS t) x",
                    thisYear, community, f.account);
            kept.add(thisYear);
            kept.add(payment(h, community, "9 years"));
            kept.add(payment(h, community, "1 day"));
        });

        assertThat(f.apply(RetentionFamily.PAYMENTS)).isEqualTo(gone.size());

        assertThat(ids(community)).containsExactlyInAnyOrderElementsOf(kept);
        String mine = " WHERE community_id = '" + community + "'";
        assertThat(f.count("SELECT count(*) FROM receipts" + mine)).as("receipts went with their payments").isEqualTo(4);
        assertThat(f.count("SELECT count(*) FROM payment_refunds" + mine)).isEqualTo(1);
        assertThat(f.apply(RetentionFamily.PAYMENTS)).as("idempotent").isZero();
    }
}
