package com.koomy.memberships;

import com.koomy.testing.Rows;
import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class CardRevocationDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static Rows rows;
    private static CardRevocationDao dao;

    @BeforeAll
    static void setUp() {
        rows = new Rows(db.jdbi());
        dao = db.jdbi().onDemand(CardRevocationDao.class);
    }

    @Test
    void theListHoldsTheRevocationsStillNeededInAccountOrder() {
        UUID club = rows.community("Cards");
        UUID removed = rows.account(new UUID(4, 2), "Removed");
        UUID expiredMember = rows.memberOf(club, "Expired", "member", "expired");
        UUID back = rows.memberOf(club, "Back", "member", "active");
        UUID outlived = rows.account("Outlived");
        UUID first = rows.account(new UUID(4, 1), "First");
        rows.member(rows.community("Elsewhere"), first, "member", "active");
        for (UUID account : new UUID[] {removed, expiredMember, back, outlived, first}) {
            dao.revoke(club, account, 3600);
        }
        dao.revoke(rows.community("Other"), rows.account("Other"), 3600);
        rows.sql("UPDATE card_revocations SET listed_until = now() - interval '1 second' WHERE account_id = ?", outlived);

        assertThat(dao.listed(club)).extracting(CardRevocationDao.Revoked::accountId)
                .containsExactly(first, removed, expiredMember).doesNotContain(back, outlived);
        assertThat(dao.forgetExpired(club)).isEqualTo(1);
        assertThat(dao.forgetExpired(club)).isZero();
        assertThat(rows.count("SELECT count(*) FROM card_revocations")).isEqualTo(5);
    }

    @Test
    void aSecondRevocationMovesTheRevocationTime() {
        UUID club = rows.community("Again");
        UUID account = rows.account("Twice");
        Instant old = Instant.parse("2025-01-01T00:00:00Z");
        dao.revoke(club, account, 3600);
        rows.sql("UPDATE card_revocations SET revoked_at = ? WHERE account_id = ?", old, account);

        dao.revoke(club, account, 3600);

        assertThat(dao.listed(club)).singleElement().extracting(CardRevocationDao.Revoked::revokedAt)
                .satisfies(at -> assertThat(at).isAfter(old));
    }
}
