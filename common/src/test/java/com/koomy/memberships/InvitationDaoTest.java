package com.koomy.memberships;

import com.koomy.testing.Rows;
import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class InvitationDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static Rows rows;
    private static InvitationDao dao;
    private static UUID inviter;

    @BeforeAll
    static void setUp() {
        rows = new Rows(db.jdbi());
        dao = db.jdbi().onDemand(InvitationDao.class);
        inviter = rows.account("Inviter");
    }

    private static UUID invite(UUID id, UUID community, String email, Instant expiresAt) {
        dao.insert(new InvitationDao.NewInvitation(id.toString().getBytes(), id, community, email, "member", inviter, expiresAt));
        return id;
    }

    private static Instant later() {
        return Instant.now().plusSeconds(3600);
    }

    @Test
    void deletingThePendingInvitationLeavesTheAcceptedOneAndOtherCommunitiesAlone() {
        UUID club = rows.community("Club");
        UUID other = rows.community("Other");
        UUID accepted = invite(UUID.randomUUID(), club, "x@example.org", later());
        dao.markAccepted(accepted, inviter);
        UUID pending = invite(UUID.randomUUID(), club, "x@example.org", later());
        UUID elsewhere = invite(UUID.randomUUID(), other, "x@example.org", later());

        assertThat(dao.deletePending(club, "x@example.org")).isEqualTo(1);
        assertThat(dao.deletePending(club, "x@example.org")).isZero();

        assertThat(dao.find(pending)).isEmpty();
        assertThat(dao.find(accepted).orElseThrow().acceptedBy()).isEqualTo(inviter);
        assertThat(dao.find(elsewhere)).isPresent();
    }

    @Test
    void pendingInvitationsAreTheUnacceptedUnexpiredOnesNewestFirst() {
        UUID club = rows.community("Pending");
        UUID older = invite(UUID.randomUUID(), club, "older@example.org", later());
        UUID tieB = invite(new UUID(5, 2), club, "b@example.org", later());
        UUID tieA = invite(new UUID(5, 1), club, "a@example.org", later());
        UUID newest = invite(UUID.randomUUID(), club, "new@example.org", later());
        UUID expired = invite(UUID.randomUUID(), club, "gone@example.org", Instant.now().minusSeconds(1));
        UUID accepted = invite(UUID.randomUUID(), club, "in@example.org", later());
        dao.markAccepted(accepted, inviter);
        invite(UUID.randomUUID(), rows.community("Elsewhere"), "else@example.org", later());
        Instant t = Instant.parse("2025-01-01T00:00:00Z");
        rows.sql("UPDATE invitations SET created_at = ? WHERE id = ?", t, older);
        rows.sql("UPDATE invitations SET created_at = ? WHERE id IN (?, ?)", t.plusSeconds(1), tieA, tieB);
        rows.sql("UPDATE invitations SET created_at = ? WHERE id IN (?, ?, ?)", t.plusSeconds(2), newest, expired, accepted);

        assertThat(dao.pending(club, 10)).extracting(Invitation::id).containsExactly(newest, tieA, tieB, older);
        assertThat(dao.pending(club, 2)).extracting(Invitation::id).containsExactly(newest, tieA);
    }

    @Test
    void anInvitationIsLockedByItsTokenOnly() {
        UUID id = invite(UUID.randomUUID(), rows.community("Token"), "t@example.org", later());

        Optional<Invitation> locked = rows.inTransaction(InvitationDao.class, d -> d.lockByToken(id.toString().getBytes()));
        Optional<Invitation> unknown = rows.inTransaction(InvitationDao.class, d -> d.lockByToken(new byte[] {0}));

        assertThat(locked).map(Invitation::id).contains(id);
        assertThat(unknown).isEmpty();
    }
}
