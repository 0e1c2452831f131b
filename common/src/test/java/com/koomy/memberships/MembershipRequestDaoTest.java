package com.koomy.memberships;

import com.koomy.testing.Rows;
import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class MembershipRequestDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static final Instant T = Instant.parse("2025-05-01T10:00:00Z");

    private static Rows rows;
    private static MembershipRequestDao dao;

    @BeforeAll
    static void setUp() {
        rows = new Rows(db.jdbi());
        dao = db.jdbi().onDemand(MembershipRequestDao.class);
    }

    private static UUID request(UUID id, UUID community, UUID account, Instant at) {
        dao.insert(id, community, account);
        rows.sql("UPDATE membership_requests SET requested_at = ? WHERE id = ?", at, id);
        return id;
    }

    @Test
    void aRequestIsFoundInItsCommunityOnlyWithTheApplicantAndTheirFieldValues() {
        UUID club = rows.community("Asked");
        UUID applicant = rows.memberOf(club, "Applicant", "member", "pending");
        rows.sql("UPDATE memberships SET fields = '{\"city\":\"Lyon\"}' WHERE account_id = ?", applicant);
        UUID id = request(UUID.randomUUID(), club, applicant, T);
        UUID noMembership = request(UUID.randomUUID(), club, rows.account("No membership"), T);

        MembershipRequest found = dao.find(club, id).orElseThrow();

        assertThat(found.accountId()).isEqualTo(applicant);
        assertThat(found.name()).isEqualTo("Applicant");
        assertThat(found.email()).isEqualTo(Rows.email(applicant));
        assertThat(found.fields()).isEqualTo(Map.of("city", "Lyon"));
        assertThat(dao.find(club, noMembership).orElseThrow().fields()).isEmpty();
        assertThat(dao.find(rows.community("Other"), id)).isEmpty();
        Optional<MembershipRequest> locked = rows.inTransaction(MembershipRequestDao.class, d -> d.lock(club, id));
        Optional<MembershipRequest> elsewhere = rows.inTransaction(MembershipRequestDao.class,
                d -> d.lock(rows.community("Another"), id));
        assertThat(locked).map(MembershipRequest::id).contains(id);
        assertThat(elsewhere).isEmpty();
    }

    @Test
    void pendingRequestsComeOldestFirstThenByIdPageAfterPage() {
        UUID club = rows.community("Queue");
        UUID second = request(new UUID(3, 2), club, rows.account("B"), T);
        UUID third = request(new UUID(3, 3), club, rows.account("C"), T);
        UUID first = request(new UUID(3, 9), club, rows.account("A"), T.minusSeconds(1));
        UUID fourth = request(new UUID(3, 1), club, rows.account("D"), T.plusSeconds(1));
        UUID decided = request(new UUID(3, 0), club, rows.account("E"), T.minusSeconds(5));
        dao.decide(decided, "refused", null, rows.account("Decider"));
        request(UUID.randomUUID(), rows.community("Elsewhere"), rows.account("F"), T);

        List<MembershipRequest> page = dao.pending(club, 2);
        MembershipRequest last = page.get(1);

        assertThat(page).extracting(MembershipRequest::id).containsExactly(first, second);
        assertThat(dao.pendingAfter(club, last.requestedAt(), last.id(), 2)).extracting(MembershipRequest::id)
                .containsExactly(third, fourth);
        assertThat(dao.pendingAfter(club, T.plusSeconds(1), fourth, 2)).isEmpty();
    }

    @Test
    void aRequestIsDecidedOnceAndThenIsNoLongerThePendingOne() {
        UUID club = rows.community("Decided");
        UUID applicant = rows.account("Applicant");
        UUID decider = rows.account("Admin");
        UUID id = request(UUID.randomUUID(), club, applicant, T);

        Optional<MembershipRequest> pending = rows.inTransaction(MembershipRequestDao.class, d -> d.lockPendingOf(club, applicant));
        assertThat(pending).map(MembershipRequest::id).contains(id);
        assertThat(dao.decide(id, "refused", "Not now", decider)).isEqualTo(1);
        assertThat(dao.decide(id, "approved", "Changed my mind", decider)).isZero();

        MembershipRequest decided = dao.find(club, id).orElseThrow();
        assertThat(decided.status()).isEqualTo("refused");
        assertThat(decided.message()).isEqualTo("Not now");
        assertThat(decided.decidedAt()).isNotNull();
        Optional<MembershipRequest> after = rows.inTransaction(MembershipRequestDao.class, d -> d.lockPendingOf(club, applicant));
        assertThat(after).isEmpty();
    }
}
