package com.koomy.communities;

import com.koomy.testing.Rows;
import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class CommunityKeyDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @Test
    void theFirstWritersKeyIsTheKeyAndAnotherCommunityHasNone() {
        Rows rows = new Rows(db.jdbi());
        UUID club = rows.community("Keyed");
        UUID other = rows.community("Keyless");
        CommunityKeyDao dao = db.jdbi().onDemand(CommunityKeyDao.class);

        dao.insert(club, new byte[] {1}, new byte[12], new byte[] {2});
        dao.insert(club, new byte[] {9}, new byte[12], new byte[] {9});

        CommunityKey key = dao.find(club).orElseThrow();
        assertThat(key.publicKey()).containsExactly(1);
        assertThat(key.privateKeyEnc()).containsExactly(2);
        assertThat(dao.find(other)).isEmpty();
    }
}
