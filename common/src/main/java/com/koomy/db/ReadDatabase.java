package com.koomy.db;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

import java.util.function.Predicate;

/**
 * Where read-mostly queries run (the member directory, news feeds, event lists, statistics): on the
 * read replica when one is configured and {@link ReplicaMonitor#usable() usable} (reachable, at most
 * {@code maxLag} behind), else on the primary. Reads that must see a write just made, and everything
 * that guards a write, use the primary's {@link Jdbi} directly, never this.
 *
 * <p>A replica read is answered by the primary instead when the replica fails under it (connection
 * lost, standby conflict: the read is simply run again, nothing was written), and when it gives an
 * answer that a lagging replica gives for a write it has not replayed yet: {@code askPrimary} says
 * which (for us, 403 and 404: a member who has just joined must not be told the community does not
 * exist). A positive answer from a lagging replica can be stale by at most {@code maxLag}
 * (docs/operations.md, "Read replica").
 *
 * <p>Meters: {@code koomy.db.reads.replica} (served by the replica), {@code .primary} (sent to the
 * primary because no replica is usable), {@code .retried-on-primary} (the replica failed),
 * {@code .confirmed-on-primary} (a refusal checked on the primary).
 */
public final class ReadDatabase {

    private final Jdbi primary;
    private final ReplicaMonitor replica;
    private final Predicate<RuntimeException> askPrimary;
    private final Meter onReplica;
    private final Meter onPrimary;
    private final Meter retried;
    private final Meter confirmed;

    /** Every read on the primary: no replica configured. */
    public static ReadDatabase primaryOnly(Jdbi primary) {
        return new ReadDatabase(primary, null, e -> false, new MetricRegistry());
    }

    /** {@code replica}: null for none; {@code askPrimary}: replica answers to confirm on the primary. */
    public ReadDatabase(Jdbi primary, ReplicaMonitor replica, Predicate<RuntimeException> askPrimary, MetricRegistry metrics) {
        this.primary = primary;
        this.replica = replica;
        this.askPrimary = askPrimary;
        this.onReplica = metrics.meter("koomy.db.reads.replica");
        this.onPrimary = metrics.meter("koomy.db.reads.primary");
        this.retried = metrics.meter("koomy.db.reads.retried-on-primary");
        this.confirmed = metrics.meter("koomy.db.reads.confirmed-on-primary");
    }

    /** Runs a read on the replica if it is usable now, else on the primary (see the class comment). */
    public <R, X extends Exception> R withHandle(HandleCallback<R, X> read) throws X {
        if (replica == null || !replica.usable()) {
            onPrimary.mark();
            return primary.withHandle(read);
        }
        R result;
        try {
            result = replica.jdbi().withHandle(read);
        } catch (RuntimeException e) {
            if (unreachable(e)) {
                // Until the next check, reads go straight to the primary instead of each waiting for a connection.
                replica.failed(e);
                retried.mark();
            } else if (standbyConflict(e)) {
                retried.mark();
            } else if (askPrimary.test(e)) {
                confirmed.mark();
            } else {
                throw e;
            }
            return primary.withHandle(read);
        }
        onReplica.mark();
        return result;
    }

    /**
     * The replica's trouble, not the read's: no connection (refused, pool empty for its whole wait), or the
     * server going away. SQLSTATE 08: connection exceptions; 57P01-04: shutdown, crash, cannot connect now,
     * database dropped; 53300: too many connections.
     */
    static boolean unreachable(Throwable e) {
        return e instanceof ConnectionException
                || SqlStates.has(e, state -> state.startsWith("08") || state.startsWith("57P") || state.equals("53300"));
    }

    /** "canceling statement due to conflict with recovery" (40001): the standby replayed a change the read needed gone. */
    static boolean standbyConflict(Throwable e) {
        return SqlStates.has(e, "40001"::equals);
    }
}
