package com.koomy.stripe.events;

import com.koomy.jobs.OutboxDao;
import com.koomy.jobs.OutboxEntry;
import com.koomy.testing.StripeTestEvents;
import com.koomy.testing.TestDatabase;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class StripeEventDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static IncomingStripeEvent incoming(String id, String type, String account) {
        return new IncomingStripeEvent(id, type, false, account, "2024-06-20", Instant.ofEpochSecond(1_700_000_000L),
                StripeTestEvents.paymentIntentSucceeded(id));
    }

    @Test
    void storesANewEventWithOneOutboxEntryAndIgnoresItsRedelivery() {
        Jdbi jdbi = db.jdbi();
        String id = StripeTestEvents.newEventId();

        boolean first = jdbi.withHandle(h -> StripeEventWrites.storeIfAbsent(h, incoming(id, "payment_intent.succeeded", "acct_1")));
        boolean again = jdbi.withHandle(h -> StripeEventWrites.storeIfAbsent(h, incoming(id, "charge.refunded", "acct_2")));

        assertThat(first).isTrue();
        assertThat(again).isFalse();
        StripeEvent stored = jdbi.withExtension(StripeEventDao.class, dao -> dao.find(id)).orElseThrow();
        // The redelivery changed nothing: the first version stands.
        assertThat(stored.type()).isEqualTo("payment_intent.succeeded");
        assertThat(stored.account()).isEqualTo("acct_1");
        assertThat(stored.status()).isEqualTo(StripeEventStatus.received);
        assertThat(stored.stripeCreated()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
        assertThat(stored.payload()).contains("\"id\": \"" + id + "\"");
        long entries = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM outbox WHERE ref = :id")
                .bind("id", id).mapTo(Long.class).one());
        assertThat(entries).isEqualTo(1);
    }

    @Test
    void failedAttemptsCountAndSettlingCountsTheLastOneAndLocksOutFurtherRuns() {
        Jdbi jdbi = db.jdbi();
        String id = StripeTestEvents.newEventId();
        jdbi.useHandle(h -> StripeEventWrites.storeIfAbsent(h, incoming(id, "customer.created", null)));

        jdbi.useExtension(StripeEventDao.class, dao -> dao.recordFailedAttempt(id, "IOException: timeout"));
        StripeEvent retrying = jdbi.withExtension(StripeEventDao.class, dao -> dao.find(id)).orElseThrow();
        Optional<StripeEvent> locked = jdbi.inTransaction(h -> {
            Optional<StripeEvent> event = StripeEventWrites.lockUnsettled(h, id);
            StripeEventWrites.settle(h, id, StripeEventStatus.processed);
            return event;
        });
        Optional<StripeEvent> again = jdbi.inTransaction(h -> StripeEventWrites.lockUnsettled(h, id));

        assertThat(retrying.status()).isEqualTo(StripeEventStatus.processing);
        assertThat(retrying.attempts()).isEqualTo(1);
        assertThat(locked).isPresent();
        assertThat(again).as("a settled event is never applied again").isEmpty();
        StripeEvent settled = jdbi.withExtension(StripeEventDao.class, dao -> dao.find(id)).orElseThrow();
        assertThat(settled.status()).isEqualTo(StripeEventStatus.processed);
        assertThat(settled.attempts()).isEqualTo(2);
        assertThat(settled.lastError()).isNull();
        assertThat(settled.processedAt()).isNotNull();
    }

    @Test
    void markFailedKeepsTheLastErrorAndNeverUndoesASettledEvent() {
        Jdbi jdbi = db.jdbi();
        String failing = StripeTestEvents.newEventId();
        String done = StripeTestEvents.newEventId();
        jdbi.useHandle(h -> {
            StripeEventDao dao = h.attach(StripeEventDao.class);
            StripeEventWrites.storeIfAbsent(h, incoming(failing, "customer.created", null));
            StripeEventWrites.storeIfAbsent(h, incoming(done, "customer.created", null));
            dao.recordFailedAttempt(failing, "IllegalStateException: boom");
            dao.markFailed(failing, null);
            StripeEventWrites.settle(h, done, StripeEventStatus.processed);
            dao.markFailed(done, "late failure");
        });

        StripeEvent failed = jdbi.withExtension(StripeEventDao.class, dao -> dao.find(failing)).orElseThrow();
        assertThat(failed.status()).isEqualTo(StripeEventStatus.failed);
        assertThat(failed.lastError()).isEqualTo("IllegalStateException: boom");
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(jdbi.withExtension(StripeEventDao.class, dao -> dao.find(done)).orElseThrow().status())
                .isEqualTo(StripeEventStatus.processed);
    }

    @Test
    void outboxClaimsAreDisjointBetweenConcurrentRelays() {
        Jdbi jdbi = db.jdbi();
        jdbi.useHandle(h -> h.execute("DELETE FROM outbox"));
        jdbi.useExtension(OutboxDao.class, dao -> {
            for (int i = 0; i < 10; i++) {
                dao.add("test", "ref-" + i);
            }
        });

        List<List<OutboxEntry>> claims = jdbi.inTransaction(first -> {
            List<OutboxEntry> a = first.attach(OutboxDao.class).claim(List.of("test"), 4);
            // A second relay, in its own transaction, skips the rows the first one holds.
            List<OutboxEntry> b = jdbi.inTransaction(second -> second.attach(OutboxDao.class).claim(List.of("test"), 100));
            return List.of(a, b);
        });

        assertThat(claims.get(0)).extracting(OutboxEntry::ref).containsExactly("ref-0", "ref-1", "ref-2", "ref-3");
        assertThat(claims.get(1)).extracting(OutboxEntry::ref).hasSize(6).doesNotContainAnyElementsOf(
                claims.get(0).stream().map(OutboxEntry::ref).toList());
        assertThat(jdbi.withExtension(OutboxDao.class, OutboxDao::pending)).isZero();
    }

    @Test
    void kindsARelayCannotRouteStayForOneThatCan() {
        Jdbi jdbi = db.jdbi();
        jdbi.useHandle(h -> h.execute("DELETE FROM outbox"));
        jdbi.useExtension(OutboxDao.class, dao -> {
            dao.add("from_a_newer_api", "x");
            dao.add("test", "known");
        });

        List<OutboxEntry> claimed = jdbi.withExtension(OutboxDao.class, dao -> dao.claim(List.of("test", "other"), 10));
        long unroutable = jdbi.withExtension(OutboxDao.class, dao -> dao.unroutable(List.of("test", "other")));
        List<OutboxEntry> byNewer = jdbi.withExtension(OutboxDao.class, dao -> dao.claim(List.of("from_a_newer_api"), 10));

        assertThat(claimed).extracting(OutboxEntry::ref).containsExactly("known");
        assertThat(unroutable).isEqualTo(1);
        assertThat(byNewer).extracting(OutboxEntry::ref).containsExactly("x");
    }

    @Test
    void aRolledBackClaimLeavesTheEntriesForTheNextRelay() {
        Jdbi jdbi = db.jdbi();
        jdbi.useHandle(h -> h.execute("DELETE FROM outbox"));
        jdbi.useExtension(OutboxDao.class, dao -> dao.add("test", "survivor"));

        try {
            jdbi.useTransaction(h -> {
                h.attach(OutboxDao.class).claim(List.of("test"), 10);
                throw new IllegalStateException("relay died before JobRunr stored the jobs");
            });
        } catch (IllegalStateException expected) {
            // the transaction rolled back
        }

        List<OutboxEntry> next = jdbi.withExtension(OutboxDao.class, dao -> dao.claim(List.of("test"), 10));
        assertThat(next).extracting(OutboxEntry::ref).containsExactly("survivor");
    }
}
