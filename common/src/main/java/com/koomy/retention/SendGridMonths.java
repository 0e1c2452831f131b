package com.koomy.retention;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The month partitions of {@code sendgrid_events} (V36): created ahead of the months that will need them, and a
 * whole month dropped once all of it is older than the retention cutoff, instead of deleting its rows one by one.
 * A month is dropped as the batch retention would have deleted it: its events counted into
 * {@code sendgrid_event_counts} and the events a suppression names kept (moved to the DEFAULT partition), in the
 * transaction that drops it. docs/operations.md, "sendgrid_events partitioned", says what an operator sees.
 */
public final class SendGridMonths {

    private static final Logger LOG = LoggerFactory.getLogger(SendGridMonths.class);
    /** How long a DDL statement may wait for its lock: writers queue behind it while it waits. */
    private static final String LOCK_TIMEOUT = "1s";
    /** Months created ahead of the current one: a retention job stopped for that long still finds them there. */
    public static final int AHEAD = 3;

    private final Jdbi jdbi;

    public SendGridMonths(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Creates the partitions of the month of {@code now} and the {@code ahead} months after it, those that are
     * missing; each in its own short transaction. A lock not granted in time is logged and left for the next run:
     * the DEFAULT partition takes the events of a month without its own partition meanwhile.
     */
    public void createAhead(Instant now, int ahead) {
        YearMonth first = YearMonth.from(now.atZone(ZoneOffset.UTC));
        for (int i = 0; i <= ahead; i++) {
            LocalDate month = first.plusMonths(i).atDay(1);
            try {
                jdbi.useTransaction(h -> {
                    h.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
                    h.createQuery("SELECT sendgrid_events_add_month('sendgrid_events', :month)")
                            .bind("month", month).mapTo(String.class).findOne();
                });
            } catch (JdbiException e) {
                LOG.warn("Partition of sendgrid_events for {} not created this run (next run tries again): {}", month,
                        e.getMessage());
            }
        }
    }

    /**
     * Drops every month partition whose whole month ended at or before {@code cutoff}; returns the events counted
     * away. The partition is detached first, in a transaction of its own that takes ACCESS EXCLUSIVE on
     * {@code sendgrid_events} for an instant (DETACH ... CONCURRENTLY is refused while a DEFAULT partition exists);
     * then its rows are counted, the kept ones moved, and the table dropped, in one transaction. A month detached
     * by a run that stopped before the drop is finished by the next run.
     */
    public long dropExpired(Instant cutoff) {
        long counted = 0;
        for (String month : months()) {
            YearMonth ym = YearMonth.parse(month.substring("sendgrid_events_".length()).replace('_', '-'));
            if (ym.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(cutoff)) {
                continue;
            }
            try {
                if (attached(month)) {
                    jdbi.useTransaction(h -> {
                        h.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
                        h.execute("ALTER TABLE sendgrid_events DETACH PARTITION " + month);
                    });
                }
                counted += jdbi.inTransaction(h -> fold(h, month));
            } catch (JdbiException e) {
                LOG.warn("Month {} of sendgrid_events not dropped this run (next run tries again): {}", month, e.getMessage());
            }
        }
        return counted;
    }

    /** The month tables, attached or detached by a run that did not finish, oldest first. */
    private List<String> months() {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname ~ '^sendgrid_events_[0-9]{4}_[0-9]{2}$'
                         ORDER BY c.relname""")
                .mapTo(String.class).list());
    }

    private boolean attached(String month) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(:month)
                                          AND inhparent = 'sendgrid_events'::regclass)""")
                .bind("month", month).mapTo(Boolean.class).one());
    }

    /** Counts a detached month into sendgrid_event_counts, moves its kept events back in (to DEFAULT), drops it. */
    private static long fold(Handle h, String month) {
        h.execute("LOCK TABLE " + month + " IN ACCESS EXCLUSIVE MODE");
        String kept = "EXISTS (SELECT 1 FROM email_suppressions s WHERE s.sg_event_id = m.sg_event_id)";
        int moved = h.execute("""
                INSERT INTO sendgrid_events (sg_event_id, event, email, koomy_key, sg_message_id, occurred_at, payload, received_at)
                SELECT sg_event_id, event, email, koomy_key, sg_message_id, occurred_at, payload, received_at
                  FROM %s m WHERE %s""".formatted(month, kept));
        long counted = h.createQuery("""
                WITH per AS (
                    SELECT coalesce(koomy_key, '') AS koomy_key, event, count(*) AS events, min(occurred_at) AS first_at,
                           max(occurred_at) AS last_at
                      FROM %s m WHERE NOT %s GROUP BY 1, 2),
                counted AS (
                    INSERT INTO sendgrid_event_counts AS c (koomy_key, event, events, first_at, last_at)
                    SELECT koomy_key, event, events, first_at, last_at FROM per
                    ON CONFLICT (koomy_key, event) DO UPDATE
                       SET events = c.events + excluded.events, first_at = least(c.first_at, excluded.first_at),
                           last_at = greatest(c.last_at, excluded.last_at), updated_at = now()
                    RETURNING 1)
                SELECT coalesce(sum(events), 0) FROM per""".formatted(month, kept))
                .mapTo(Long.class).one();
        h.execute("DROP TABLE " + month);
        LOG.info("Dropped month {} of sendgrid_events: {} events counted, {} kept (named by a suppression)", month,
                counted, moved);
        return counted;
    }
}
