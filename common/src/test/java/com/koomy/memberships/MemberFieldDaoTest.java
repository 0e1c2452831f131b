package com.koomy.memberships;

import com.koomy.testing.Rows;
import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class MemberFieldDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static Rows rows;
    private static MemberFieldDao dao;

    @BeforeAll
    static void setUp() {
        rows = new Rows(db.jdbi());
        dao = db.jdbi().onDemand(MemberFieldDao.class);
    }

    private static void field(UUID community, String key, int position) {
        dao.insert(new MemberFieldDao.NewField(community, key, position, "Label " + key, "choice", "[\"a\",\"b\"]", true, "members"));
    }

    @Test
    void theDefinitionsAreTheCommunitysInPositionOrderAndReplacingThemLeavesOthersAlone() {
        UUID club = rows.community("Defined");
        UUID other = rows.community("Other");
        field(club, "second", 1);
        field(club, "first", 0);
        field(other, "theirs", 0);

        assertThat(dao.list(club)).extracting(MemberField::key).containsExactly("first", "second");
        assertThat(dao.list(club).get(0).choices()).containsExactly("a", "b");
        dao.deleteAll(club);
        assertThat(dao.list(club)).isEmpty();
        assertThat(dao.list(other)).extracting(MemberField::key).containsExactly("theirs");
        assertThat(dao.lockForValues(club)).contains("public");
        Optional<String> unknown = rows.inTransaction(MemberFieldDao.class, d -> d.lockForDefinitions(UUID.randomUUID()));
        assertThat(unknown).isEmpty();
    }

    @Test
    void valuesAreWrittenClearedCountedAndDeletedPerCommunity() {
        UUID club = rows.community("Values");
        UUID other = rows.community("Elsewhere");
        UUID ada = rows.memberOf(club, "Ada", "member", "active");
        UUID bob = rows.memberOf(club, "Bob", "member", "active");
        UUID cy = rows.memberOf(club, "Cy", "member", "active");
        rows.member(other, ada, "member", "active");

        dao.writeValues(club, ada, "{\"phone\":\"1\",\"city\":\"Lyon\"}", new String[0]);
        dao.writeValues(club, ada, "{\"phone\":\"2\"}", new String[] {"city"});
        dao.writeValues(club, bob, "{\"phone\":\"3\",\"club\":\"x\"}", new String[0]);
        dao.writeValues(other, ada, "{\"phone\":\"9\"}", new String[0]);

        assertThat(dao.values(club, ada)).contains("{\"phone\": \"2\"}");
        assertThat(dao.values(club, cy)).contains("{}");
        assertThat(dao.values(rows.community("None"), ada)).isEmpty();
        assertThat(dao.countValues(club, "phone")).isEqualTo(2);
        assertThat(dao.countValues(club, "city")).isZero();

        assertThat(dao.deleteValues(club, new String[] {"phone", "city"})).as("Ada and Bob; Cy holds none").isEqualTo(2);
        assertThat(dao.values(club, bob)).contains("{\"club\": \"x\"}");
        assertThat(dao.values(other, ada)).contains("{\"phone\": \"9\"}");
    }
}
