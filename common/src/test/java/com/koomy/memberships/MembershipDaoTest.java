package com.koomy.memberships;

import com.koomy.testing.Rows;
import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class MembershipDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static Rows rows;
    private static MembershipDao dao;

    @BeforeAll
    static void setUp() {
        rows = new Rows(db.jdbi());
        dao = db.jdbi().onDemand(MembershipDao.class);
    }

    @Test
    void aSecondMembershipInTheCommunityIsRefusedAndTheFirstStands() {
        UUID club = rows.community("Once");
        UUID account = rows.account("Joiner");

        assertThat(dao.insert(club, account, "member", "pending")).isTrue();
        assertThat(dao.insert(club, account, "owner", "active")).isFalse();

        assertThat(dao.find(club, account).orElseThrow()).extracting(Membership::role, Membership::status)
                .containsExactly("member", "pending");
        assertThat(dao.find(rows.community("Other"), account)).isEmpty();
    }

    @Test
    void lockingTakesTheOwnersAndTheNamedAccountsOfTheCommunityInAccountOrder() {
        UUID club = rows.community("Locked");
        UUID elsewhere = rows.community("Elsewhere");
        UUID owner3 = rows.account(new UUID(7, 3), "Owner 3");
        UUID named2 = rows.account(new UUID(7, 2), "Named 2");
        UUID owner1 = rows.account(new UUID(7, 1), "Owner 1");
        UUID bystander = rows.account(new UUID(7, 4), "Bystander");
        rows.member(club, owner3, "owner", "active");
        rows.member(club, named2, "member", "active");
        rows.member(club, owner1, "owner", "pending");
        rows.member(club, bystander, "admin", "active");
        rows.member(elsewhere, bystander, "owner", "active");

        List<Membership> locked = db.jdbi().inTransaction(h ->
                h.attach(MembershipDao.class).lockOwnersAnd(club, List.of(named2, UUID.randomUUID())));

        assertThat(locked).extracting(Membership::accountId).containsExactly(owner1, named2, owner3);
        assertThat(locked).extracting(Membership::communityId).containsOnly(club);
    }

    @Test
    void anUpdateChangesOnlyTheGivenColumnsOfThatMembership() {
        UUID club = rows.community("Updated");
        UUID account = rows.memberOf(club, "Promoted", "member", "pending");
        UUID other = rows.memberOf(club, "Unchanged", "member", "pending");

        dao.update(club, account, null, "active");
        dao.update(club, account, "admin", null);

        assertThat(dao.find(club, account).orElseThrow()).extracting(Membership::role, Membership::status)
                .containsExactly("admin", "active");
        assertThat(dao.lockShared(club, other).orElseThrow()).extracting(Membership::role, Membership::status)
                .containsExactly("member", "pending");
    }

    @Test
    void theLastActiveOwnerIsFoundWhereNoOtherActiveOwnerIs() {
        UUID account = rows.account("Owner");
        UUID alone = rows.community(new UUID(8, 1), "Alone");
        UUID shared = rows.community(new UUID(8, 2), "Shared");
        UUID pendingCoOwner = rows.community(new UUID(8, 3), "Pending co-owner");
        UUID adminOnly = rows.community(new UUID(8, 4), "Admin only");
        UUID expired = rows.community(new UUID(8, 5), "Expired");
        UUID alsoAlone = rows.community(new UUID(8, 0), "Also alone");
        rows.member(alone, account, "owner", "active");
        rows.member(shared, account, "owner", "active");
        rows.memberOf(shared, "Co-owner", "owner", "active");
        rows.member(pendingCoOwner, account, "owner", "active");
        rows.memberOf(pendingCoOwner, "Not yet", "owner", "pending");
        rows.member(adminOnly, account, "admin", "active");
        rows.member(expired, account, "owner", "expired");
        rows.member(alsoAlone, account, "owner", "active");

        assertThat(dao.lastOwnerOf(account)).containsExactly(alsoAlone, alone, pendingCoOwner);
        assertThat(dao.communitiesOf(account)).containsExactly(alsoAlone, alone, shared, pendingCoOwner, adminOnly, expired);
    }

    @Test
    void standingIsManagerForAnActiveOwnerOrAdminMemberForAnActiveMemberElseNone() {
        UUID club = rows.community("Standing");
        UUID admin = rows.memberOf(club, "Admin", "admin", "active");
        UUID owner = rows.memberOf(club, "Owner", "owner", "active");
        UUID member = rows.memberOf(club, "Member", "member", "active");
        UUID pendingOwner = rows.memberOf(club, "Pending", "owner", "pending");
        UUID expiredAdmin = rows.memberOf(club, "Expired", "admin", "expired");
        UUID elsewhere = rows.memberOf(rows.community("Elsewhere"), "Elsewhere", "owner", "active");

        assertThat(List.of(admin, owner, member, pendingOwner, expiredAdmin, elsewhere))
                .extracting(a -> dao.standing(club, a))
                .containsExactly("manager", "manager", "member", "none", "none", "none");
    }

    @Test
    void aDeletionRemovesThatMembershipOnly() {
        UUID club = rows.community("Leaving");
        UUID other = rows.community("Staying");
        UUID account = rows.memberOf(club, "Leaver", "member", "active");
        rows.member(other, account, "member", "active");
        UUID neighbour = rows.memberOf(club, "Neighbour", "member", "active");

        dao.delete(club, account);

        assertThat(dao.find(club, account)).isEmpty();
        assertThat(dao.find(other, account)).isPresent();
        assertThat(dao.find(club, neighbour)).isPresent();
    }
}
