package com.koomy.events;

import com.codahale.metrics.MetricRegistry;
import com.koomy.db.GroupCommit;
import com.koomy.db.SqlStates;
import com.koomy.events.CheckinDao.ScanRow;
import io.dropwizard.lifecycle.Managed;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Records the online scans {@link CheckIns} has verified: {@link CheckinDao#scan} decides and stores one scan in one
 * statement, each in a transaction of its own, or, once {@link #groupCommit} is on, the scans that arrived
 * together in one transaction.
 */
final class ScanRecorder {

    private final Jdbi jdbi;
    /** Null: each scan in a statement of its own (tests, tools); see {@link #groupCommit}. */
    private volatile GroupCommit<ScanWrite, ScanRow> group;

    ScanRecorder(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    ScanRow record(ScanWrite write) {
        if (group == null) {
            return jdbi.withHandle(handle -> decide(handle, write));
        }
        try {
            return group.submit(write);
        } catch (GroupCommit.NotWritten e) {
            throw new IllegalStateException("scan " + write.scanId() + " not recorded: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording scan " + write.scanId(), e);
        }
    }

    /** The parameters of one online scan's {@link CheckinDao#scan}. */
    record ScanWrite(UUID eventId, String scanId, UUID ticketId, int serial, String gate, String refusal) {
    }

    private static final CheckinDao.ScanRowMapper SCAN_ROWS = new CheckinDao.ScanRowMapper();

    /**
     * {@link CheckinDao#scan} as a fluent query: measured on ops/bench/checkin with JFR (2026-12-06), the SQL
     * object's call spent 1.7 times the CPU of this one in Jdbi (its per-call ConfigRegistry copies), and the
     * door's scan rate fell to about 0.8 of the fluent version's (docs/architecture.md, "Data access", exception 3).
     */
    private static ScanRow decide(Handle handle, ScanWrite w) {
        return handle.createQuery(CheckinDao.SCAN_NAMED)
                .bind("eventId", w.eventId()).bind("scanId", w.scanId()).bind("ticketId", w.ticketId())
                .bind("serial", w.serial()).bind("gate", w.gate()).bind("refusal", w.refusal())
                .map(SCAN_ROWS).one();
    }

    /**
     * Online scans that arrived together, decided in one transaction (group commit): in ticket order,
     * so that two batches lock the same tickets' rows in the same order and cannot deadlock; two scans
     * of one ticket in the same batch are decided one after the other, exactly as across
     * transactions (the second finds the first's admission).
     */
    private List<ScanRow> decideAll(List<ScanWrite> writes) {
        Integer[] order = new Integer[writes.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer, UUID>comparing(i -> writes.get(i).ticketId())
                .thenComparing(i -> writes.get(i).scanId()));
        ScanRow[] rows = new ScanRow[writes.size()];
        jdbi.useTransaction(handle -> {
            for (int i : order) {
                rows[i] = decide(handle, writes.get(i));
            }
        });
        return Arrays.asList(rows);
    }

    /**
     * From now on, online scans are recorded through a group commit of {@code writers} threads; the
     * caller starts and stops what this returns with the process. When a batch fails for anything
     * but the database being out of reach, its scans are decided again one by one.
     */
    Managed groupCommit(int writers, int maxBatch, java.time.Duration timeout, MetricRegistry metrics) {
        group = new GroupCommit<>("door-scans", this::decideAll, e -> SqlStates.unavailable(e) == null,
                writers, maxBatch, 10_000, timeout, metrics, "koomy.checkins.group");
        return group;
    }
}
