package com.koomy.payments;

import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class DuesExtensionDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static final LocalDate BEFORE = LocalDate.parse("2026-01-31");
    private static final LocalDate AFTER = LocalDate.parse("2026-12-31");

    private final PaymentRows rows = new PaymentRows(db.jdbi());
    private final DuesExtensionDao dao = db.jdbi().onDemand(DuesExtensionDao.class);
    private final UUID club = rows.community("Club");

    @Test
    void aPaymentExtendsOnceRevivesAnExpiredMembershipAndRollsBackOnce() {
        UUID ann = rows.account("Ann");
        UUID bob = rows.account("Bob");
        rows.member(club, ann, "expired", BEFORE);
        rows.member(club, bob, "expired", BEFORE);
        UUID payment = rows.manual(club, ann, null, 100, "cash", Instant.now(), null);
        DuesExtensionDao.Extension extension = new DuesExtensionDao.Extension(payment, club, ann, BEFORE, AFTER);

        assertThat(dao.lockMembership(club, ann)).contains(new DuesExtensionDao.PaidUntil(BEFORE));
        assertThat(dao.insert(extension)).isTrue();
        assertThat(dao.insert(extension)).isFalse();
        dao.extendMembership(AFTER, club, ann);

        assertThat(membership(ann)).isEqualTo("active " + AFTER);
        assertThat(membership(bob)).isEqualTo("expired " + BEFORE);
        assertThat(dao.rollBack(payment)).contains(new DuesExtensionDao.RolledBack(BEFORE, AFTER));
        assertThat(dao.rollBack(payment)).isEmpty();
        assertThat(dao.rollBack(UUID.randomUUID())).isEmpty();
        assertThat(dao.restoreMembership(BEFORE, AFTER, club, ann)).isEqualTo(1);
        assertThat(membership(ann)).isEqualTo("active " + BEFORE);
    }

    @Test
    void aMembershipPaidSinceIsNotRestoredAndANeverPaidOneIsStillFound() {
        UUID ann = rows.account("Ann");
        UUID cy = rows.account("Cy");
        rows.member(club, ann, "active", AFTER.plusYears(1));
        rows.member(club, cy, "active", null);

        assertThat(dao.restoreMembership(BEFORE, AFTER, club, ann)).isZero();
        assertThat(membership(ann)).isEqualTo("active " + AFTER.plusYears(1));
        assertThat(dao.lockMembership(club, cy)).contains(new DuesExtensionDao.PaidUntil(null));
        assertThat(dao.lockMembership(rows.community("Other"), cy)).isEmpty();
    }

    private String membership(UUID account) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT status || ' ' || dues_paid_until FROM memberships WHERE community_id = :c AND account_id = :a")
                .bind("c", club).bind("a", account).mapTo(String.class).one());
    }
}
