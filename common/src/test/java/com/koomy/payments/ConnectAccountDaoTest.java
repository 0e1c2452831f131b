package com.koomy.payments;

import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectAccountDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final PaymentRows rows = new PaymentRows(db.jdbi());
    private final ConnectAccountDao dao = db.jdbi().onDemand(ConnectAccountDao.class);

    @Test
    void oneAccountPerCommunityAndASyncChangesOnlyThatAccount() {
        UUID club = rows.community("Club");
        UUID other = rows.community("Other");

        assertThat(dao.insert(club, "acct_B")).isTrue();
        assertThat(dao.insert(club, "acct_C")).isFalse();
        dao.insert(other, "acct_A");
        assertThat(dao.sync("acct_B", true, false, true, "[\"external_account\"]", "requirements.past_due")).isEqualTo(1);
        assertThat(dao.sync("acct_Z", true, true, true, "[]", null)).isZero();

        ConnectAccount synced = dao.find(club).orElseThrow();
        assertThat(synced.accountId()).isEqualTo("acct_B");
        assertThat(synced.chargesEnabled()).isTrue();
        assertThat(synced.payoutsEnabled()).isFalse();
        assertThat(synced.requirementsDue()).containsExactly("external_account");
        assertThat(synced.disabledReason()).isEqualTo("requirements.past_due");
        assertThat(synced.syncedAt()).isNotNull();
        ConnectAccount fresh = dao.byAccount("acct_A").orElseThrow();
        assertThat(fresh.communityId()).isEqualTo(other);
        assertThat(fresh.chargesEnabled()).isFalse();
        assertThat(fresh.syncedAt()).isNull();
        assertThat(dao.lockByAccount("acct_C")).isEmpty();
        assertThat(dao.lock(other)).map(ConnectAccount::accountId).contains("acct_A");
        assertThat(dao.accountIds()).isEqualTo(List.of("acct_A", "acct_B"));
    }
}
