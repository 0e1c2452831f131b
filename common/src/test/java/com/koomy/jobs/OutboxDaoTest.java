package com.koomy.jobs;

import com.koomy.testing.TestDatabase;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/** Claims across relays and unroutable kinds: StripeEventDaoTest. */
class OutboxDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @Test
    void entriesAreClaimedOldestFirstUpToTheLimitOnlyForTheGivenKinds() {
        OutboxDao dao = db.jdbi().onDemand(OutboxDao.class);
        UUID a = new UUID(0, 1);
        UUID b = new UUID(0, 2);
        dao.add("email", "e1");
        dao.addAll("media", List.of(a, b));
        dao.addAll("media", List.of());
        dao.add("email", "e2");
        dao.add("other", "o1");

        assertThat(dao.pending()).isEqualTo(5);
        assertThat(dao.claim(List.of("email", "media"), 3)).extracting(OutboxEntry::kind, OutboxEntry::ref)
                .containsExactly(tuple("email", "e1"), tuple("media", a.toString()), tuple("media", b.toString()));
        assertThat(dao.claim(List.of("email", "media"), 3)).extracting(OutboxEntry::ref).containsExactly("e2");
        assertThat(dao.pending()).isEqualTo(1);
        assertThat(dao.claim(List.of("other"), 3)).extracting(OutboxEntry::ref).containsExactly("o1");
    }

    @Test
    void aSecondRelayOnItsOwnConnectionSkipsTheEntriesTheFirstHoldsUntilItRollsBack() {
        OutboxDao dao = db.jdbi().onDemand(OutboxDao.class);
        db.jdbi().useHandle(h -> h.execute("DELETE FROM outbox"));
        dao.addAll("relay", List.of("r0", "r1", "r2", "r3"));

        // Connections of their own: a nested jdbi.inTransaction would reuse the outer callback's handle.
        List<OutboxEntry> first;
        List<OutboxEntry> second;
        try (Handle a = db.jdbi().open(); Handle b = db.jdbi().open()) {
            a.begin();
            b.execute("SET lock_timeout = '5s'"); // without SKIP LOCKED: an error, not a hang
            first = a.attach(OutboxDao.class).claim(List.of("relay"), 2);
            second = b.inTransaction(h -> h.attach(OutboxDao.class).claim(List.of("relay"), 10));
            a.rollback();
        }

        assertThat(first).extracting(OutboxEntry::ref).containsExactly("r0", "r1");
        assertThat(second).extracting(OutboxEntry::ref).containsExactly("r2", "r3");
        assertThat(dao.claim(List.of("relay"), 10)).extracting(OutboxEntry::ref).containsExactly("r0", "r1");
    }
}
