package com.koomy.accounts;

import com.koomy.testing.Rows;
import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.groups.Tuple.tuple;

import static org.assertj.core.api.Assertions.assertThat;

class AccountDeletionDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static final Instant T = Instant.parse("2025-03-01T12:00:00Z");

    private static Rows rows;
    private static AccountDeletionDao dao;

    @BeforeAll
    static void setUp() {
        rows = new Rows(db.jdbi());
        dao = db.jdbi().onDemand(AccountDeletionDao.class);
    }

    @Test
    void aSecondRequestKeepsTheFirstGracePeriod() {
        UUID account = rows.account("Twice");

        assertThat(dao.request(account, T, T.plusSeconds(100))).isEqualTo(1);
        assertThat(dao.request(account, T.plusSeconds(5), T.plusSeconds(200))).isZero();

        AccountDeletionDao.State state = dao.find(account).orElseThrow();
        assertThat(state.deletionRequestedAt()).isEqualTo(T);
        assertThat(state.eraseAfter()).isEqualTo(T.plusSeconds(100));
        assertThat(dao.lock(account)).contains(state);
    }

    @Test
    void aRequestCanBeCancelledUntilTheErasureStarts() {
        UUID cancelled = rows.account("Stays");
        UUID started = rows.account("Goes");
        dao.request(cancelled, T, T);
        dao.request(started, T, T);

        assertThat(dao.startErasure(started, T.plusSeconds(1))).isEqualTo(1);
        assertThat(dao.startErasure(started, T.plusSeconds(2))).as("started already").isZero();
        assertThat(dao.cancel(cancelled)).isEqualTo(1);
        assertThat(dao.cancel(started)).isZero();

        assertThat(dao.find(cancelled).orElseThrow().eraseAfter()).isNull();
        AccountDeletionDao.State going = dao.find(started).orElseThrow();
        assertThat(going.eraseAfter()).isEqualTo(T);
        assertThat(going.erasureStartedAt()).isEqualTo(T.plusSeconds(1));
    }

    @Test
    void dueAccountsAreThoseWhoseGraceEndedByNowAndNotErasedOldestFirst() {
        // Before T: the other tests' requests (grace ending at T or later) are not due yet.
        Instant now = Instant.parse("2020-01-01T00:00:00Z");
        UUID late = rows.account("Late");
        UUID early = rows.account("Early");
        UUID atNow = rows.account("AtNow");
        UUID afterNow = rows.account("After");
        UUID erased = rows.account("Erased");
        rows.account("NeverAsked");
        dao.request(late, T, now.minusSeconds(10));
        dao.request(early, T, now.minusSeconds(20));
        dao.request(atNow, T, now);
        dao.request(afterNow, T, now.plusMillis(1));
        dao.request(erased, T, now.minusSeconds(30));
        dao.startErasure(erased, now);
        rows.sql("UPDATE accounts SET erased_at = ? WHERE id = ?", now, erased);

        assertThat(dao.due(now, 10)).containsExactly(early, late, atNow);
        assertThat(dao.due(now, 2)).containsExactly(early, late);
    }

    @Test
    void theCursorMovesOnItsAccountOnly() {
        UUID account = rows.account("Cursor");
        UUID other = rows.account("NoCursor");
        UUID cursor = UUID.randomUUID();

        dao.moveCursor(account, cursor);

        assertThat(dao.find(account).orElseThrow().erasureCursorId()).isEqualTo(cursor);
        assertThat(dao.find(other).orElseThrow().erasureCursorId()).isNull();
    }

    @Test
    void theLogListsTheAccountsStepsInTheOrderTheyHappened() {
        UUID account = rows.account("Logged");
        UUID other = rows.account("Elsewhere");
        dao.log(account, "requested", "account", "{\"via\":\"app\"}", T);
        dao.log(other, "requested", "operator", "{}", T);
        dao.log(account, "cancelled", "operator", "{}", T.minusSeconds(5));

        assertThat(dao.steps(account)).extracting(AccountDeletionDao.Step::step, AccountDeletionDao.Step::actor,
                        AccountDeletionDao.Step::details, AccountDeletionDao.Step::at)
                .containsExactly(tuple("requested", "account", "{\"via\": \"app\"}", T),
                        tuple("cancelled", "operator", "{}", T.minusSeconds(5)));
    }
}
