package com.koomy.events;

import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class EventStaffDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final EventRows rows = new EventRows(db.jdbi());
    private final EventStaffDao dao = db.jdbi().onDemand(EventStaffDao.class);

    @Test
    void grantsOnceListsByNameAndRevokesOnlyTheCommunitysGrants() {
        UUID club = rows.community();
        UUID gala = rows.event(club, 24, Event.MEMBERS);
        UUID fair = rows.event(club, 48, Event.MEMBERS);
        UUID elsewhere = rows.event(rows.community(), 24, Event.MEMBERS);
        UUID zed = rows.account("zed");
        UUID amy = rows.account("Amy");
        UUID bea = rows.account("bea");

        assertThat(dao.grant(gala, zed, rows.manager)).isTrue();
        assertThat(dao.grant(gala, zed, amy)).isFalse();
        dao.grant(gala, amy, rows.manager);
        dao.grant(gala, bea, rows.manager);
        dao.grant(fair, zed, rows.manager);
        dao.grant(elsewhere, zed, rows.manager);

        assertThat(dao.list(gala)).extracting(EventStaffDao.StaffMember::name).containsExactly("Amy", "bea", "zed");
        assertThat(dao.list(gala).get(2).grantedBy()).isEqualTo(rows.manager);
        assertThat(dao.isStaff(fair, amy)).isFalse();
        assertThat(dao.revoke(gala, bea)).isTrue();
        assertThat(dao.revoke(gala, bea)).isFalse();
        assertThat(dao.revokeAll(club, zed)).isEqualTo(2);
        assertThat(dao.isStaff(gala, zed)).isFalse();
        assertThat(dao.isStaff(elsewhere, zed)).isTrue();
        assertThat(dao.isStaff(gala, amy)).isTrue();
    }
}
