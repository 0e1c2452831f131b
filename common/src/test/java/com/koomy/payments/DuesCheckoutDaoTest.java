package com.koomy.payments;

import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class DuesCheckoutDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final PaymentRows rows = new PaymentRows(db.jdbi());
    private final DuesCheckoutDao dao = db.jdbi().onDemand(DuesCheckoutDao.class);
    private final UUID club = rows.community("Club");
    private final UUID ann = rows.account("Ann");
    private final UUID tier = rows.tier(club, "Adult", 1000);

    private UUID checkout(UUID account, UUID tierId, long amount, String session) {
        UUID id = UUID.randomUUID();
        dao.insert(new DuesCheckoutDao.NewCheckout(id, club, account, tierId, "acct_1", amount, "eur", 30));
        if (session != null) {
            dao.setSession(id, session, "https://checkout.example/" + session);
        }
        return id;
    }

    @Test
    void theOpenSessionIsTheNewestRecentUnpaidOneAtTheTiersPrice() {
        UUID older = checkout(ann, tier, 1000, "cs_older");
        UUID newest = checkout(ann, tier, 1000, "cs_newest");
        checkout(ann, tier, 1000, null); // no session yet
        checkout(ann, tier, 900, "cs_old_price");
        checkout(rows.account("Bob"), tier, 1000, "cs_bob");
        rows.sql("UPDATE dues_checkouts SET created_at = now() - interval '1 hour' WHERE id = ?", older);
        rows.sql("UPDATE dues_checkouts SET created_at = now() - interval '10 minutes' WHERE id = ?", newest);
        rows.sql("UPDATE dues_checkouts SET created_at = now() - interval '20 minutes' WHERE session_id IN ('cs_old_price')");

        assertThat(dao.open(club, ann, tier, 1800)).map(DuesCheckouts.Checkout::sessionId).contains("cs_newest");
        assertThat(dao.open(club, ann, tier, 7200)).map(DuesCheckouts.Checkout::checkoutId).contains(newest);
        assertThat(dao.open(club, ann, tier, 300)).isEmpty();
        assertThat(dao.open(rows.community("Other"), ann, tier, 7200)).isEmpty();

        rows.sql("UPDATE payments SET checkout_id = ? WHERE id = ?", newest,
                rows.card(club, ann, tier, "pi_1", 1000, Payment.SUCCEEDED, null));
        assertThat(dao.open(club, ann, tier, 7200)).map(DuesCheckouts.Checkout::checkoutId).contains(older);
        dao.delete(older);
        assertThat(dao.open(club, ann, tier, 7200)).isEmpty();
    }

    @Test
    void theScopeIsFoundOnlyForTheCommunityMemberAndAccountThatMadeIt() {
        UUID id = checkout(ann, tier, 1000, "cs_1");

        assertThat(dao.scope(id, club, ann, "acct_1")).contains(
                new ConnectEventScope.Scope(club, ann, id, tier, "acct_1", "Adult", 30));
        assertThat(dao.scope(id, club, ann, "acct_2")).isEmpty();
        assertThat(dao.scope(id, club, rows.account("Bob"), "acct_1")).isEmpty();
        assertThat(dao.scope(id, rows.community("Other"), ann, "acct_1")).isEmpty();
    }
}
