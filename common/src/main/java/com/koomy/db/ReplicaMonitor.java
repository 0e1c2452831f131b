package com.koomy.db;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.lifecycle.Managed;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Decides, every {@code every}, whether the read replica may serve reads: it must answer, and be at
 * most {@code maxLag} behind the primary. Requests only read the last decision (a volatile field).
 *
 * <p>The lag: the primary's WAL position is read first, then the replica's replay position. If the
 * replica has replayed up to it, everything committed before the check is visible there: lag 0. If
 * not, the lag is the age of the last transaction the replica replayed
 * ({@code now() - pg_last_xact_replay_timestamp()}): an upper bound of how old its view is, which
 * grows while replay is stuck. (On a primary with no commits for a while, WAL written without a
 * commit, such as a checkpoint's, can make that bound large for the moment replay takes; one check
 * later it is 0 again.) A server that is not a standby (not in recovery: a logical replica, or
 * another database in tests) has no lag to measure and is used while it answers.
 */
public final class ReplicaMonitor implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaMonitor.class);

    /** The last decision. {@code lagSeconds} null when it could not be measured. */
    public record State(boolean usable, boolean reachable, boolean standby, Double lagSeconds, String reason, Instant checkedAt) {
    }

    private final Jdbi primary;
    private final Jdbi replica;
    private final Runnable reconnect;
    private final Duration maxLag;
    private final Duration every;
    private final Clock clock;
    private volatile State state;
    private ScheduledExecutorService executor;

    /** {@code reconnect}: drops the replica pool's connections (they may be broken once it failed). */
    public ReplicaMonitor(Jdbi primary, Jdbi replica, Runnable reconnect, Duration maxLag, Duration every, Clock clock) {
        this.primary = primary;
        this.replica = replica;
        this.reconnect = reconnect;
        this.maxLag = maxLag;
        this.every = every;
        this.clock = clock;
        this.state = new State(false, false, false, null, "not checked yet", clock.instant());
    }

    public Jdbi jdbi() {
        return replica;
    }

    public boolean usable() {
        return state.usable();
    }

    public State state() {
        return state;
    }

    public Duration maxLag() {
        return maxLag;
    }

    @Override
    public void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "read-replica-monitor"));
        executor.scheduleWithFixedDelay(this::check, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        executor.shutdownNow();
    }

    /** A read found the replica unreachable: reads skip it until a check finds it back. */
    void failed(RuntimeException e) {
        change(new State(false, false, state.standby(), null, "unreachable: " + reason(e), clock.instant()));
    }

    /** One check; never throws, so the schedule survives anything. */
    public State check() {
        State next;
        try {
            next = measure();
        } catch (RuntimeException e) {
            next = new State(false, false, false, null, "unreachable: " + reason(e), clock.instant());
        }
        change(next);
        return next;
    }

    private State measure() {
        String primaryLsn;
        try {
            primaryLsn = primary.withHandle(h -> h.createQuery("/* ReplicaMonitor.primaryLsn */ SELECT pg_current_wal_lsn()::text")
                    .setQueryTimeout(2).mapTo(String.class).one());
        } catch (RuntimeException e) {
            return new State(false, state.reachable(), state.standby(), null,
                    "primary unreachable, lag unknown: " + reason(e), clock.instant());
        }
        return replica.withHandle(h -> h.createQuery("""
                        /* ReplicaMonitor.lag */
                        SELECT pg_is_in_recovery() AS standby,
                               pg_last_wal_replay_lsn() >= CAST(:primaryLsn AS pg_lsn) AS caught_up,
                               extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS replay_age
                        """)
                .bind("primaryLsn", primaryLsn)
                .setQueryTimeout(2)
                .map((rs, ctx) -> {
                    boolean standby = rs.getBoolean("standby");
                    boolean caughtUp = rs.getBoolean("caught_up");
                    Double age = rs.getObject("replay_age", Double.class);
                    Double lag = !standby || caughtUp ? Double.valueOf(0) : age == null ? null : Math.max(0, age);
                    return judge(standby, lag);
                })
                .one());
    }

    private State judge(boolean standby, Double lag) {
        double bound = maxLag.toMillis() / 1000.0;
        Instant now = clock.instant();
        if (lag == null) {
            return new State(false, true, true, null, "behind the primary and has replayed no transaction yet", now);
        }
        if (lag > bound) {
            return new State(false, true, standby, lag, String.format("lag %.1f s over the %.1f s bound", lag, bound), now);
        }
        return new State(true, true, standby, lag, standby ? String.format("lag %.2f s (bound %.1f s)", lag, bound)
                : "not a standby (no replication lag to measure)", now);
    }

    private synchronized void change(State next) {
        State previous = state;
        state = next;
        if (!next.reachable() && previous.reachable()) {
            reconnect.run();
        }
        if (previous.usable() != next.usable() || previous.reachable() != next.reachable()) {
            if (next.usable()) {
                LOG.info("Read replica usable again ({}): reads go to it", next.reason());
            } else {
                LOG.warn("Read replica not usable ({}): reads go to the primary", next.reason());
            }
        }
    }

    /** The first line of the innermost message: the driver's words, without the statement Jdbi adds. */
    static String reason(Throwable e) {
        String message = e.getClass().getSimpleName();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** {@code koomy.db.replica.usable} (1 or 0) and {@code koomy.db.replica.lag-seconds} (null when unknown). */
    public void registerGauges(MetricRegistry metrics) {
        metrics.gauge("koomy.db.replica.usable", () -> () -> state.usable() ? 1 : 0);
        metrics.gauge("koomy.db.replica.lag-seconds", () -> () -> state.lagSeconds());
    }
}
