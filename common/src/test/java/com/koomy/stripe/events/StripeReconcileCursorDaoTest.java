package com.koomy.stripe.events;

import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StripeReconcileCursorDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final StripeReconcileCursorDao dao = db.jdbi().onDemand(StripeReconcileCursorDao.class);

    @Test
    void theCursorOnlyMovesForwardAndRunsAddUpTheirCounts() {
        Instant t1 = Instant.parse("2026-01-01T00:00:00Z");

        assertThat(dao.lastCreated("platform")).isEmpty();
        dao.advance("platform", t1, 3);
        dao.advance("platform", t1.minusSeconds(60), 2);
        dao.advance("acct_1", t1.plusSeconds(60), 1);

        assertThat(dao.lastCreated("platform")).contains(t1);
        assertThat(dao.lastCreated("acct_1")).contains(t1.plusSeconds(60));
        long ingested = db.jdbi().withHandle(h -> h.createQuery("SELECT ingested FROM stripe_reconcile_cursors WHERE scope = 'platform'")
                .mapTo(Long.class).one());
        assertThat(ingested).isEqualTo(5);
    }

    @Test
    void aScopeIsPendingFromItsQueuingUntilItsRunOrUntilItGoesStale() {
        db.jdbi().useHandle(h -> h.execute("""
                INSERT INTO stripe_reconcile_cursors (scope, last_created, last_run_at, queued_at) VALUES
                    ('ran_after', now(), now(), now() - interval '1 minute'),
                    ('waiting', now(), now() - interval '2 minutes', now() - interval '1 minute'),
                    ('stale', now(), now() - interval '3 hours', now() - interval '2 hours'),
                    ('never_queued', now(), now(), NULL)"""));
        dao.markQueued(List.of("new_scope", "ran_after"));

        assertThat(dao.pending(Instant.now().minusSeconds(3600))).containsExactlyInAnyOrder("waiting", "new_scope", "ran_after");
        assertThat(dao.lastCreated("new_scope")).as("queued, never run: no cursor yet").isEmpty();
        dao.advance("new_scope", Instant.parse("2026-01-01T00:00:00Z"), 0);
        assertThat(dao.pending(Instant.now().minusSeconds(3600))).containsExactlyInAnyOrder("waiting", "ran_after");
    }
}
