package com.koomy.payments;

import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class DuesTierDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final PaymentRows rows = new PaymentRows(db.jdbi());
    private final DuesTierDao dao = db.jdbi().onDemand(DuesTierDao.class);

    @Test
    void activeTiersInCreationOrderAndDeactivationOnceAndOnlyInTheTiersCommunity() {
        UUID club = rows.community("Club");
        UUID other = rows.community("Other");
        UUID adult = rows.tier(club, "Adult", 5000);
        UUID young = rows.tier(club, "Young", 2000);
        UUID retired = rows.tier(club, "Retired", 3000);
        rows.tier(other, "Elsewhere", 1000);

        assertThat(dao.deactivate(other, young)).isZero();
        assertThat(dao.deactivate(club, retired)).isEqualTo(1);
        assertThat(dao.deactivate(club, retired)).isZero();

        assertThat(dao.active(club)).extracting(DuesTier::id).containsExactly(adult, young);
        assertThat(dao.find(club, retired)).map(DuesTier::active).contains(false);
        assertThat(dao.find(other, adult)).isEmpty();
        assertThat(dao.find(club, adult)).map(DuesTier::amount).contains(5000L);
    }
}
