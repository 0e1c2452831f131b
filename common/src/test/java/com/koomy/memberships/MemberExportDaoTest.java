package com.koomy.memberships;

import com.koomy.testing.Rows;
import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class MemberExportDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @Test
    void theCommunitysMembersComeByLowerNameThenAccountWithTheirCells() {
        Rows rows = new Rows(db.jdbi());
        UUID club = rows.community("Exported");
        UUID zed = rows.memberOf(club, "zed", "member", "expired");
        UUID ann2 = rows.account(new UUID(6, 2), "Ann");
        UUID ann1 = rows.account(new UUID(6, 1), "ann");
        rows.member(club, ann2, "owner", "active");
        rows.member(club, ann1, "member", "pending");
        UUID bob = rows.memberOf(club, "Bob", "admin", "active");
        rows.memberOf(rows.community("Elsewhere"), "Aaron", "member", "active");
        rows.sql("UPDATE memberships SET dues_paid_until = '2025-12-31', fields = '{\"phone\":\"1\"}' WHERE account_id = ?", bob);

        List<MemberExportDao.Row> members = db.jdbi().inTransaction(h -> {
            try (Stream<MemberExportDao.Row> stream = h.attach(MemberExportDao.class).members(club)) {
                return stream.toList();
            }
        });

        assertThat(members).extracting(MemberExportDao.Row::email)
                .containsExactly(Rows.email(ann1), Rows.email(ann2), Rows.email(bob), Rows.email(zed));
        MemberExportDao.Row b = members.get(2);
        assertThat(b).extracting(MemberExportDao.Row::name, MemberExportDao.Row::role, MemberExportDao.Row::status,
                MemberExportDao.Row::duesPaidUntil, MemberExportDao.Row::fields)
                .containsExactly("Bob", "admin", "active", "2025-12-31", "{\"phone\": \"1\"}");
        assertThat(members.get(0).duesPaidUntil()).isEmpty();
    }
}
