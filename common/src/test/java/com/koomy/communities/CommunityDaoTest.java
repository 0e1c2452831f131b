package com.koomy.communities;

import com.koomy.memberships.MembershipDao;
import com.koomy.testing.Rows;
import com.koomy.testing.TestDatabase;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class CommunityDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static Rows rows;
    private static CommunityDao dao;

    @BeforeAll
    static void setUp() {
        rows = new Rows(db.jdbi());
        dao = db.jdbi().onDemand(CommunityDao.class);
    }

    private static CommunityDao.NewCommunity named(UUID id, String name, String slug) {
        return new CommunityDao.NewCommunity(id, name, slug, "d", "public", "open", "fr", "Lyon");
    }

    @Test
    void aTakenSlugIsRefusedAndAPurgedCommunityIsNotFoundButKeepsItsName() {
        UUID first = UUID.randomUUID();
        String slug = "s-" + first;
        assertThat(dao.insert(named(first, "First", slug))).isTrue();
        assertThat(dao.insert(named(UUID.randomUUID(), "Second", slug))).isFalse();
        assertThat(dao.find(first).orElseThrow().name()).isEqualTo("First");

        rows.sql("UPDATE communities SET purged_at = now() WHERE id = ?", first);

        assertThat(dao.find(first)).isEmpty();
        assertThat(dao.name(first)).contains("First");
        assertThat(dao.name(UUID.randomUUID())).isEmpty();
    }

    @Test
    void nullChangesKeepTheirColumnAndAnEmptyCityClearsIt() {
        UUID changed = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        dao.insert(named(changed, "Old", "s-" + changed));
        dao.insert(named(other, "Other", "s-" + other));

        dao.update(changed, new Communities.CommunityChanges("New", null, "private", null, null, null));
        Community renamed = dao.find(changed).orElseThrow();
        dao.update(changed, new Communities.CommunityChanges(null, null, null, "approval", "en", ""));
        Community cleared = dao.find(changed).orElseThrow();

        assertThat(renamed).extracting(Community::name, Community::description, Community::visibility, Community::city)
                .containsExactly("New", "d", "private", "Lyon");
        assertThat(cleared).extracting(Community::name, Community::joinPolicy, Community::locale, Community::city)
                .containsExactly("New", "approval", "en", null);
        assertThat(dao.find(other).orElseThrow()).extracting(Community::name, Community::city).containsExactly("Other", "Lyon");
    }

    @Test
    void activeMembersCountsTheCommunitysActiveMembersOnly() {
        UUID club = rows.community("Counted");
        UUID elsewhere = rows.community("Elsewhere");
        rows.memberOf(club, "A", "owner", "active");
        rows.memberOf(club, "B", "member", "active");
        rows.memberOf(club, "C", "member", "pending");
        rows.memberOf(club, "D", "member", "expired");
        rows.memberOf(elsewhere, "E", "member", "active");

        assertThat(dao.activeMembers(club)).isEqualTo(2);
    }

    @Test
    void anAccountsCommunitiesComeByLowerNameThenIdPageAfterPage() {
        UUID account = rows.account("Reader");
        UUID stranger = rows.account("Stranger");
        UUID alpha2 = rows.community(new UUID(1, 2), "alpha");
        UUID alpha1 = rows.community(new UUID(1, 1), "Alpha");
        UUID beta = rows.community("Beta");
        UUID gamma = rows.community("gamma");
        UUID notMine = rows.community("Aaa");
        for (UUID c : List.of(gamma, alpha2, beta, alpha1)) {
            rows.member(c, account, "member", "active");
        }
        rows.member(notMine, stranger, "owner", "active");

        List<MyCommunity> first = dao.ofAccount(account, null, null, 3);
        MyCommunity last = first.get(2);
        List<MyCommunity> next = dao.ofAccount(account, last.sortName(), last.id(), 3);

        assertThat(first).extracting(MyCommunity::id).containsExactly(alpha1, alpha2, beta);
        assertThat(last.sortName()).isEqualTo("beta");
        assertThat(next).extracting(MyCommunity::id).containsExactly(gamma);
        assertThat(dao.ofAccount(account, "alpha", alpha1, 1)).extracting(MyCommunity::id).containsExactly(alpha2);
    }

    @Test
    void createdLastDayCountsTheCommunitiesTheAccountFoundedInTheLastDay() {
        UUID founder = rows.account("Founder");
        UUID today = founded(founder, "owner");
        founded(founder, "admin");
        foundedAgo(founder, "23 hours 59 minutes");
        foundedAgo(founder, "1 day 1 minute");
        UUID joinedLater = rows.community("Joined later");
        rows.member(joinedLater, founder, "owner", "active");
        founded(rows.account("Someone else"), "owner");

        assertThat(dao.createdLastDay(founder)).isEqualTo(2);
        assertThat(dao.find(today)).isPresent();
    }

    private static void foundedAgo(UUID account, String age) {
        UUID id = founded(account, "owner");
        rows.sql("UPDATE communities SET created_at = now() - CAST(? AS interval) WHERE id = ?", age, id);
        rows.sql("UPDATE memberships m SET joined_at = c.created_at FROM communities c WHERE c.id = m.community_id"
                + " AND m.community_id = ?", id);
    }

    /** A community and its first membership in one transaction, as a creation writes them (same now()). */
    private static UUID founded(UUID account, String role) {
        UUID id = UUID.randomUUID();
        db.jdbi().useTransaction(h -> {
            h.attach(CommunityDao.class).insert(named(id, "Founded", "s-" + id));
            h.attach(MembershipDao.class).insert(id, account, role, "active");
        });
        return id;
    }

    @Test
    void creationsAreSerializedPerAccountUntilTheTransactionEnds() {
        UUID account = UUID.randomUUID();
        String probe = "SELECT pg_try_advisory_xact_lock(hashtextextended(CAST(? AS text), 17))";
        try (Handle creating = db.jdbi().open(); Handle other = db.jdbi().open()) {
            creating.begin();
            creating.attach(CommunityDao.class).lockCreations(account);

            boolean sameAccount = other.inTransaction(h -> h.select(probe, account).mapTo(Boolean.class).one());
            boolean anotherAccount = other.inTransaction(h -> h.select(probe, UUID.randomUUID()).mapTo(Boolean.class).one());
            creating.commit();
            boolean afterCommit = other.inTransaction(h -> h.select(probe, account).mapTo(Boolean.class).one());

            assertThat(sameAccount).isFalse();
            assertThat(anotherAccount).isTrue();
            assertThat(afterCommit).isTrue();
        }
    }
}
