package com.koomy.billing;

import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class SubscriptionDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final SubscriptionDao dao = db.jdbi().onDemand(SubscriptionDao.class);

    private UUID community() {
        UUID id = UUID.randomUUID();
        db.jdbi().useHandle(h -> h.execute("INSERT INTO communities (id, name, slug) VALUES (?, 'Club', ?)", id, "c-" + id));
        return id;
    }

    @Test
    void ensureCreatesTheFreeRowOnceAndTheCustomerIsSetOnce() {
        UUID club = community();
        UUID other = community();

        dao.ensure(club);
        assertThat(dao.setCustomer(club, "cus_1")).isEqualTo(1);
        dao.ensure(club);
        assertThat(dao.setCustomer(club, "cus_2")).isZero();
        dao.ensure(other);

        assertThat(dao.find(club)).map(Subscription::plan).contains("free");
        assertThat(dao.lockByCustomer("cus_1")).map(Subscription::communityId).contains(club);
        assertThat(dao.lockByCustomer("cus_2")).isEmpty();
        assertThat(dao.lock(other)).map(Subscription::stripeCustomerId).isEmpty();
        assertThat(dao.find(community())).isEmpty();
    }

    @Test
    void syncKeepsTheLatestInvoiceWhenTheEventIsNotAboutOne() {
        UUID club = community();
        UUID other = community();
        dao.ensure(club);
        dao.ensure(other);
        Instant end = Instant.parse("2027-01-01T00:00:00Z");

        dao.sync(new SubscriptionDao.StripeState(club, "pro", "sub_1", "price_1", "active", end, false, "in_1", "paid"));
        dao.sync(new SubscriptionDao.StripeState(club, "pro", "sub_1", "price_2", "past_due", end, true, null, "open"));

        Subscription synced = dao.find(club).orElseThrow();
        assertThat(synced.priceId()).isEqualTo("price_2");
        assertThat(synced.status()).isEqualTo("past_due");
        assertThat(synced.cancelAtPeriodEnd()).isTrue();
        assertThat(synced.currentPeriodEnd()).isEqualTo(end);
        assertThat(synced.latestInvoiceId()).isEqualTo("in_1");
        assertThat(synced.latestInvoiceStatus()).isEqualTo("paid");
        assertThat(dao.find(other).orElseThrow().plan()).isEqualTo("free");
    }
}
