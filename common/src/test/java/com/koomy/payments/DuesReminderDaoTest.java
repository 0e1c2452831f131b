package com.koomy.payments;

import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class DuesReminderDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static final LocalDate TODAY = LocalDate.parse("2026-06-01");
    private static final LocalDate UNTIL = LocalDate.parse("2026-06-30");
    private static final UUID ZERO = new UUID(0, 0);

    private final PaymentRows rows = new PaymentRows(db.jdbi());
    private final DuesReminderDao dao = db.jdbi().onDemand(DuesReminderDao.class);

    private UUID payingCommunity(String name) {
        UUID id = rows.community(name);
        db.jdbi().useExtension(ConnectAccountDao.class, c -> {
            String account = "acct_" + id.toString().replace("-", "");
            c.insert(id, account);
            c.sync(account, true, true, true, "[]", null);
        });
        return id;
    }

    @Test
    void dueAreActiveMembersInTheWindowOfCommunitiesTakingPaymentsWithTheirFirstActiveTier() {
        UUID club = payingCommunity("Club");
        rows.sql("UPDATE dues_tiers SET active = false WHERE id = ?", rows.tier(club, "Gone", 9000));
        rows.tier(club, "Adult", 1000);
        rows.tier(club, "Later", 2000);
        UUID first = rows.account("First");
        UUID last = rows.account("Last");
        rows.member(club, first, "active", TODAY);
        rows.member(club, last, "active", UNTIL);
        rows.member(club, rows.account("Late"), "active", UNTIL.plusDays(1));
        rows.member(club, rows.account("Past"), "active", TODAY.minusDays(1));
        rows.member(club, rows.account("Expired"), "expired", TODAY);
        rows.member(club, rows.account("Never"), "active", null);
        UUID noCharges = rows.community("No charges");
        db.jdbi().useExtension(ConnectAccountDao.class, c -> c.insert(noCharges, "acct_nocharges"));
        rows.tier(noCharges, "Adult", 1000);
        rows.member(noCharges, rows.account("Other"), "active", TODAY);
        rows.member(payingCommunity("No tier"), rows.account("Other2"), "active", TODAY);

        List<DuesReminderDao.Due> due = dao.due(TODAY, UNTIL, ZERO, ZERO, 10);

        assertThat(due).extracting(DuesReminderDao.Due::accountId)
                .containsExactlyElementsOf(List.of(first, last).stream().sorted(java.util.Comparator.comparing(UUID::toString)).toList());
        assertThat(due).allSatisfy(d -> {
            assertThat(d.amount()).isEqualTo(1000);
            assertThat(d.communityName()).isEqualTo("Club");
        });
        DuesReminderDao.Due firstOfPage = due.get(0);
        assertThat(dao.due(TODAY, UNTIL, firstOfPage.communityId(), firstOfPage.accountId(), 10)).containsExactly(due.get(1));
    }

    @Test
    void aPeriodsReminderIsClaimedOncePerMember() {
        UUID club = rows.community("Club");
        UUID ann = rows.account("Ann");
        UUID bob = rows.account("Bob");

        assertThat(dao.claim(club, TODAY, new String[] {ann.toString()})).containsExactly(ann);
        assertThat(dao.claim(club, TODAY, new String[] {ann.toString(), bob.toString()})).containsExactly(bob);
        assertThat(dao.claim(club, UNTIL, new String[] {ann.toString()})).containsExactly(ann);
    }
}
