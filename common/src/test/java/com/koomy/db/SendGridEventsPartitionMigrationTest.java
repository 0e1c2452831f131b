package com.koomy.db;

import com.koomy.testing.TestDatabase;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V36 converts a populated sendgrid_events while the previous version keeps writing to it: every event committed
 * before the swap, and none deleted, is in the partitioned table afterwards, each with its dedupe id. The writer
 * inserts as the previous version does ({@code ON CONFLICT (sg_event_id)}) and deletes seeded rows (as retention
 * or an account erasure would), during the trigger's creation, the batched copy and the swap.
 */
class SendGridEventsPartitionMigrationTest {

    private static final Logger LOG = LoggerFactory.getLogger(SendGridEventsPartitionMigrationTest.class);
    private static final int ROWS = 60_000;

    @RegisterExtension
    static TestDatabase db = new TestDatabase(false);

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyEventWrittenOrDeletedDuringTheConversionEndsUpRightInThePartitionedTable() throws Exception {
        Flyway all = KoomyDatabase.flyway(db.dataSourceFactory());
        Flyway.configure().configuration(all.getConfiguration()).target("32").load().migrate();
        Jdbi jdbi = db.jdbi();
        jdbi.useHandle(h -> h.execute("""
                INSERT INTO sendgrid_events (sg_event_id, event, email, koomy_key, occurred_at, payload, received_at)
                SELECT 'sg_' || i, 'delivered', 'm' || i || '@example.org', 'k:' || (i %% 100),
                       now() - i * interval '1 minute', '{"sg": 1}', now() - i * interval '1 minute'
                  FROM generate_series(1, %d) i""".formatted(ROWS)));

        Set<String> inserted = new HashSet<>();
        Set<String> deleted = new HashSet<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger writes = new AtomicInteger();
        AtomicReference<String> stoppedBy = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            int n = 0;
            while (!stop.get()) {
                String id = "w_" + n;
                String gone = "sg_" + (1 + (n * 7919) % ROWS);
                try {
                    int rows = jdbi.withHandle(h -> h.createUpdate("""
                            INSERT INTO sendgrid_events (sg_event_id, event, email, occurred_at, payload)
                            VALUES (:id, 'open', 'w@example.org', now(), '{}') ON CONFLICT (sg_event_id) DO NOTHING""")
                            .bind("id", id).execute());
                    if (rows == 1) {
                        inserted.add(id);
                        writes.incrementAndGet();
                    }
                    if (jdbi.withHandle(h -> h.createUpdate("DELETE FROM sendgrid_events WHERE sg_event_id = :id")
                            .bind("id", gone).execute()) == 1) {
                        deleted.add(gone);
                    }
                } catch (RuntimeException e) {
                    // After the swap: the previous version's ON CONFLICT (sg_event_id) has no unique index to use.
                    stoppedBy.set(e.getMessage());
                    return;
                }
                n++;
            }
        });
        writer.start();
        while (writes.get() < 5) {
            Thread.sleep(10);
        }
        int before = writes.get();
        all.migrate();
        int during = writes.get() - before;
        Thread.sleep(200);
        stop.set(true);
        writer.join();
        LOG.info("V36 under writes: {} inserts while it ran, {} inserts and {} deletes in all", during, inserted.size(),
                deleted.size());

        assertThat(stoppedBy.get()).as("the previous version's insert fails after the swap")
                .contains("no unique or exclusion constraint matching the ON CONFLICT specification");
        assertThat(during).as("inserts by the previous version while V36 ran").isPositive();
        assertThat(deleted).isNotEmpty();
        Set<String> expected = new HashSet<>(inserted);
        for (int i = 1; i <= ROWS; i++) {
            expected.add("sg_" + i);
        }
        expected.removeAll(deleted);
        Set<String> events = new HashSet<>(jdbi.withHandle(h -> h.createQuery("SELECT sg_event_id FROM sendgrid_events")
                .mapTo(String.class).list()));
        Set<String> ids = new HashSet<>(jdbi.withHandle(h -> h.createQuery("SELECT sg_event_id FROM sendgrid_event_ids")
                .mapTo(String.class).list()));
        String relkind = jdbi.withHandle(h -> h.createQuery("SELECT relkind::text FROM pg_class WHERE oid = 'sendgrid_events'::regclass")
                .mapTo(String.class).one());
        assertThat(relkind).as("partitioned").isEqualTo("p");
        assertThat(events.size()).isEqualTo(expected.size());
        assertThat(events.equals(expected)).as("the same event ids").isTrue();
        assertThat(expected.stream().filter(id -> !ids.contains(id)).toList()).as("events without their id").isEmpty();
        // An id without its event only if the previous version deleted the event after the swap (no trigger then).
        assertThat(ids.stream().filter(id -> !expected.contains(id) && !deleted.contains(id)).toList()).isEmpty();
        long leftovers = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM pg_class WHERE relname IN "
                + "('sendgrid_events_unpartitioned', 'sendgrid_events_by_month')").mapTo(Long.class).one());
        assertThat(leftovers).isZero();
    }
}
