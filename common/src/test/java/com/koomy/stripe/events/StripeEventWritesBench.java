package com.koomy.stripe.events;

import com.codahale.metrics.MetricRegistry;
import com.koomy.db.KoomyDatabase;
import com.koomy.db.SqlCommentTemplateEngine;
import com.koomy.jobs.OutboxDao;
import com.koomy.testing.StripeTestEvents;
import com.koomy.testing.TestDatabase;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.DefinedAttributeTemplateEngine;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethodsList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Measures the webhook hot path's statements both ways on a real PostgreSQL (a throw-away database, as the
 * tests make): Jdbi's fluent API ({@link StripeEventWrites}, which a profile once justified) against SQL
 * objects ({@link SqlObjectWay}, with the outbox rows written by {@link OutboxDao} in the same transaction).
 * Prints the median wall time and the median CPU time of the calling thread per call (where a SQL object's
 * own cost would show). The variants run interleaved, round after round, so a busy neighbour slows all alike.
 * <p>
 * Run: {@code nice -n 19 mvn -o -q test-compile -pl common -am}, then
 * {@code nice -n 19 java -cp common/target/test-classes:common/target/classes:$(cat /tmp/cp) com.koomy.stripe.events.StripeEventWritesBench [rounds]}
 * with the class path from {@code mvn -o -q dependency:build-classpath -pl common -Dmdep.outputFile=/tmp/cp}.
 */
public final class StripeEventWritesBench {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final Map<String, long[][]> SAMPLES = new LinkedHashMap<>();
    private static int serial;

    /** The plain JDBI way: {@link StripeEventWrites}' statements as SQL object methods. */
    @RegisterRowMapper(StripeEventMapper.class)
    public interface SqlObjectWay {

        /**
         * Stores the new events among {@code events} (distinct ids, at most StripeEventWrites.MAX_BATCH);
         * returns their ids, redeliveries left out. The caller queues the new ones ({@code OutboxDao.addAll}).
         */
        @SqlQuery("""
                INSERT INTO stripe_events (event_id, type, livemode, account, api_version, stripe_created, payload)
                SELECT event_id, type, livemode, account, api_version, CAST(created AS timestamptz), CAST(payload AS jsonb)
                  FROM (VALUES <events>) AS e(event_id, type, livemode, account, api_version, created, payload)
                ON CONFLICT (event_id) DO NOTHING
                RETURNING event_id
                """)
        Set<String> insertAll(@BindMethodsList(value = "events", methodNames = {"eventId", "type", "livemode", "account",
                "apiVersion", "created", "payload"}) List<IncomingStripeEvent> events);

        /**
         * Locks an event that still needs applying, for the rest of the caller's transaction. Returns
         * nothing when it is already settled (processed or ignored): a previous run finished the work.
         * A concurrent run of the same event waits on the lock, then finds it settled.
         */
        @SqlQuery("""
                SELECT * FROM stripe_events
                 WHERE event_id = :eventId AND status IN ('received', 'processing', 'failed')
                   FOR UPDATE
                """)
        Optional<StripeEvent> lockUnsettled(@Bind("eventId") String eventId);

        /** {@link #lockUnsettled} for many; ordered by id so two batches sharing events cannot deadlock. */
        @SqlQuery("""
                SELECT * FROM stripe_events
                 WHERE event_id = ANY(CAST(:eventIds AS text[])) AND status IN ('received', 'processing', 'failed')
                 ORDER BY event_id
                   FOR UPDATE
                """)
        List<StripeEvent> lockAllUnsettled(@Bind("eventIds") String[] eventIds);

        /** The successful attempt: one row version for the whole success path. */
        @SqlUpdate("""
                UPDATE stripe_events
                   SET status = :status, attempts = attempts + 1, processed_at = now(), last_error = NULL
                 WHERE event_id = :eventId
                """)
        void settle(@Bind("eventId") String eventId, @Bind("status") StripeEventStatus status);

        /** {@link #settle} for many events at once, each with its own status. */
        @SqlUpdate("""
                UPDATE stripe_events e
                   SET status = s.status, attempts = e.attempts + 1, processed_at = now(), last_error = NULL
                  FROM unnest(CAST(:eventIds AS text[]), CAST(:statuses AS text[])) AS s(event_id, status)
                 WHERE e.event_id = s.event_id
                """)
        void settleAll(@Bind("eventIds") String[] eventIds, @Bind("statuses") String[] statuses);

        /** Settles an event that must never be applied, keeping the reason for operators. */
        @SqlUpdate("""
                UPDATE stripe_events
                   SET status = 'refused', attempts = attempts + 1, processed_at = now(), last_error = :reason
                 WHERE event_id = :eventId
                """)
        void refuse(@Bind("eventId") String eventId, @Bind("reason") String reason);
    }

    private StripeEventWritesBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        TestDatabase db = new TestDatabase();
        db.beforeAll(null);
        DataSourceFactory factory = db.dataSourceFactory();
        factory.getProperties().put("currentSchema", KoomyDatabase.SCHEMA);
        ManagedDataSource pool = factory.build(new MetricRegistry(), "bench");
        try {
            Jdbi jdbi = Jdbi.create(pool).installPlugin(new SqlObjectPlugin());
            jdbi.setTemplateEngine(new SqlCommentTemplateEngine(new DefinedAttributeTemplateEngine()));
            for (String phase : List.of("warm-up", "measure")) {
                SAMPLES.clear();
                for (int round = 0; round < rounds; round++) {
                    round(jdbi, round, "measure".equals(phase) ? rounds : 0);
                }
            }
            System.out.printf("%-28s %12s %12s   (%d calls each)%n", "variant", "wall µs p50", "cpu µs p50", rounds);
            SAMPLES.forEach((name, s) -> System.out.printf("%-28s %12.1f %12.1f%n", name, median(s[0]) / 1e3, median(s[1]) / 1e3));
        } finally {
            pool.stop();
            db.afterAll(null);
        }
    }

    private static void round(Jdbi jdbi, int round, int rounds) {
        for (int size : new int[] {1, 32}) {
            List<IncomingStripeEvent> a = events(size);
            List<IncomingStripeEvent> b = events(size);
            boolean fluentFirst = round % 2 == 0;
            for (int turn = 0; turn < 2; turn++) {
                if ((turn == 0) == fluentFirst) {
                    time("store " + size + " fluent (CTE)", round, rounds,
                            () -> jdbi.withHandle(h -> StripeEventWrites.storeAllIfAbsent(h, a)));
                } else {
                    time("store " + size + " SQL objects", round, rounds, () -> jdbi.inTransaction(h -> {
                        Set<String> stored = h.attach(SqlObjectWay.class).insertAll(b);
                        h.attach(OutboxDao.class).addAll(StripeEvent.RECEIVED_OUTBOX_KIND, stored);
                        return stored;
                    }));
                }
            }
            List<String> ids = a.stream().map(IncomingStripeEvent::eventId).toList();
            List<String> otherIds = b.stream().map(IncomingStripeEvent::eventId).toList();
            for (int turn = 0; turn < 2; turn++) {
                if ((turn == 0) == fluentFirst) {
                    time("apply " + size + " fluent", round, rounds, () -> jdbi.inTransaction(h -> size == 1
                            ? StripeEventWrites.lockUnsettled(h, ids.get(0)).map(e -> {
                                StripeEventWrites.settle(h, e.eventId(), StripeEventStatus.processed);
                                return 1;
                            }).orElseThrow()
                            : settleAll(StripeEventWrites.lockAllUnsettled(h, ids), l -> StripeEventWrites.settleAll(h,
                                    l.stream().map(StripeEvent::eventId).toList(), l.stream().map(e -> StripeEventStatus.processed).toList()))));
                } else {
                    time("apply " + size + " SQL objects", round, rounds, () -> jdbi.inTransaction(h -> {
                        SqlObjectWay dao = h.attach(SqlObjectWay.class);
                        return size == 1
                                ? dao.lockUnsettled(otherIds.get(0)).map(e -> {
                                    dao.settle(e.eventId(), StripeEventStatus.processed);
                                    return 1;
                                }).orElseThrow()
                                : settleAll(dao.lockAllUnsettled(otherIds.toArray(String[]::new)), l -> dao.settleAll(
                                        l.stream().map(StripeEvent::eventId).toArray(String[]::new),
                                        l.stream().map(e -> StripeEventStatus.processed.name()).toArray(String[]::new)));
                    }));
                }
            }
        }
    }

    private static int settleAll(List<StripeEvent> locked, java.util.function.Consumer<List<StripeEvent>> settle) {
        if (locked.isEmpty()) {
            throw new IllegalStateException("nothing to settle");
        }
        settle.accept(locked);
        return locked.size();
    }

    private static List<IncomingStripeEvent> events(int n) {
        List<IncomingStripeEvent> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String id = "evt_bench_" + (++serial);
            events.add(new IncomingStripeEvent(id, "payment_intent.succeeded", false, "acct_bench", "2024-06-20",
                    Instant.ofEpochSecond(1_700_000_000L + serial), StripeTestEvents.paymentIntentSucceeded(id)));
        }
        return events;
    }

    private static void time(String name, int round, int rounds, Runnable call) {
        long cpu = CPU.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        call.run();
        long[][] s = SAMPLES.computeIfAbsent(name, k -> new long[2][Math.max(rounds, 1)]);
        if (rounds > 0) {
            s[0][round] = System.nanoTime() - wall;
            s[1][round] = CPU.getCurrentThreadCpuTime() - cpu;
        }
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
