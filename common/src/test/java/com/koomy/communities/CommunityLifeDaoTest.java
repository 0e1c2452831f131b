package com.koomy.communities;

import com.koomy.billing.SubscriptionDao;
import com.koomy.payments.ConnectEventScope;
import com.koomy.payments.DuesCheckoutDao;
import com.koomy.payments.DuesTier;
import com.koomy.payments.DuesTierDao;
import com.koomy.payments.PaymentDao;
import com.koomy.testing.Rows;
import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class CommunityLifeDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static Rows rows;
    private static CommunityLifeDao dao;

    @BeforeAll
    static void setUp() {
        rows = new Rows(db.jdbi());
        dao = db.jdbi().onDemand(CommunityLifeDao.class);
    }

    private static UUID scheduled(Instant due) {
        UUID id = rows.community("Scheduled");
        dao.archive(id);
        dao.scheduleDeletion(id, due);
        return id;
    }

    @Test
    void unarchivingCancelsTheScheduledDeletionOfThatCommunityOnly() {
        UUID back = scheduled(Instant.now().plus(30, ChronoUnit.DAYS));
        UUID staying = scheduled(Instant.now().plus(30, ChronoUnit.DAYS));
        UUID open = rows.community("Open");

        dao.unarchive(back);

        assertThat(dao.archivedForKeyShare(back)).isFalse();
        assertThat(dao.lock(back).orElseThrow().deletionDueAt()).isNull();
        assertThat(dao.archivedForKeyShare(staying)).isTrue();
        assertThat(dao.lock(staying).orElseThrow().deletionDueAt()).isNotNull();
        assertThat(dao.archivedForKeyShare(open)).isFalse();
    }

    @Test
    void aPurgedCommunityCannotBeLocked() {
        UUID purged = rows.community("Purged");
        rows.sql("UPDATE communities SET purged_at = now() WHERE id = ?", purged);

        assertThat(dao.lock(purged)).isEmpty();
        assertThat(dao.lock(UUID.randomUUID())).isEmpty();
    }

    @Test
    void communitiesArePurgedOnceTheirGracePeriodEndedOldestFirst() {
        UUID older = scheduled(Instant.now().minus(2, ChronoUnit.DAYS));
        UUID newer = scheduled(Instant.now().minus(1, ChronoUnit.DAYS));
        UUID oldest = scheduled(Instant.now().minus(3, ChronoUnit.DAYS));
        scheduled(Instant.now().plus(1, ChronoUnit.HOURS));
        UUID purged = scheduled(Instant.now().minus(4, ChronoUnit.DAYS));
        rows.sql("UPDATE communities SET purged_at = now() WHERE id = ?", purged);

        assertThat(dao.dueForPurge(10)).containsExactly(oldest, older, newer);
        assertThat(dao.dueForPurge(1)).containsExactly(oldest);
    }

    @Test
    void theSubscriptionCountsOnlyWithAStripeSubscriptionAndThePlanStateNeedsItsRow() {
        UUID free = rows.community("Free");
        UUID paying = rows.community("Paying");
        UUID none = rows.community("No row");
        SubscriptionDao subscriptions = db.jdbi().onDemand(SubscriptionDao.class);
        subscriptions.ensure(free);
        subscriptions.ensure(paying);
        rows.sql("UPDATE community_subscriptions SET subscription_id = 'sub_1', status = 'active' WHERE community_id = ?", paying);
        dao.archive(paying);

        assertThat(dao.hasSubscription(free)).isFalse();
        assertThat(dao.hasSubscription(paying)).isTrue();
        assertThat(dao.hasSubscription(none)).isFalse();
        CommunityLifeDao.PlanState plan = dao.planState(paying).orElseThrow();
        assertThat(plan.subscriptionId()).isEqualTo("sub_1");
        assertThat(plan.status()).isEqualTo("active");
        assertThat(plan.archivedAt()).isNotNull();
        assertThat(dao.planState(free).orElseThrow().archivedAt()).isNull();
        assertThat(dao.planState(none)).isEmpty();
    }

    @Test
    void theOpenCheckoutsOfAnArchivedCommunityAreTheRecentUnpaidOnesWithASession() {
        UUID club = rows.community("Dues");
        UUID member = rows.memberOf(club, "Payer", "member", "active");
        UUID tier = UUID.randomUUID();
        db.jdbi().onDemand(DuesTierDao.class).insert(new DuesTier(tier, club, "Yearly", 2000, "eur", DuesTier.CUSTOM,
                LocalDate.of(2025, 1, 1), LocalDate.of(2025, 12, 31), true, null));
        checkout(club, member, tier, "cs_second", 60);
        checkout(club, member, tier, "cs_first", 120);
        checkout(club, member, tier, null, 30);
        checkout(club, member, tier, "cs_old", 3_700);
        UUID paid = checkout(club, member, tier, "cs_paid", 30);
        db.jdbi().onDemand(PaymentDao.class).insert(
                new ConnectEventScope.Scope(club, member, paid, tier, "acct_1", "Dues", 0),
                new PaymentDao.Attempt(UUID.randomUUID(), "pi_" + paid, "cs_paid", "ch_1", 2000, "eur", "succeeded", null,
                        Instant.now()));

        assertThat(dao.openCheckoutsIfArchived(club, 3_600)).as("not archived").isEmpty();
        dao.archive(club);

        assertThat(dao.openCheckoutsIfArchived(club, 3_600)).containsExactly(
                new CommunityLifeDao.OpenCheckout("cs_first", "acct_1"), new CommunityLifeDao.OpenCheckout("cs_second", "acct_1"));
    }

    private static UUID checkout(UUID club, UUID member, UUID tier, String session, int secondsAgo) {
        UUID id = UUID.randomUUID();
        DuesCheckoutDao checkouts = db.jdbi().onDemand(DuesCheckoutDao.class);
        checkouts.insert(new DuesCheckoutDao.NewCheckout(id, club, member, tier, "acct_1", 2000, "eur", 0));
        if (session != null) {
            checkouts.setSession(id, session, "https://checkout/" + session);
        }
        rows.sql("UPDATE dues_checkouts SET created_at = now() - make_interval(secs => ?) WHERE id = ?", (double) secondsAgo, id);
        return id;
    }
}
