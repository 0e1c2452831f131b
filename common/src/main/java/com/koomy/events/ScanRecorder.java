package com.koomy.events;

import com.codahale.metrics.MetricRegistry;
import com.koomy.db.GroupCommit;
import com.koomy.db.SqlStates;
import io.dropwizard.lifecycle.Managed;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import static com.koomy.events.CheckIns.instant;

/**
 * Records the online scans {@link CheckIns} has verified: {@link #SCAN} decides and stores one scan in one
 * statement, each in a transaction of its own, or, once {@link #groupCommit} is on, the scans that arrived
 * together in one transaction.
 */
final class ScanRecorder {

    static final String SCAN = """
            /* CheckIns.scan */
            WITH prior AS (
                SELECT result, admitted_at, admitted_gate, ticket_id FROM checkin_scans
                 WHERE event_id = :eventId AND scan_id = :scanId
            ), ticket AS (
                SELECT t.id, t.status, t.serial, t.guest_name, a.name AS holder_name
                  FROM tickets t JOIN accounts a ON a.id = t.account_id
                 WHERE t.id = :ticketId AND t.event_id = :eventId
            ), admission AS (
                INSERT INTO checkins (ticket_id, event_id, scan_id, gate, admitted_at)
                SELECT id, :eventId, :scanId, :gate, now() FROM ticket
                 WHERE status = 'confirmed' AND serial = :serial AND CAST(:refusal AS text) IS NULL
                   AND NOT EXISTS (SELECT 1 FROM prior)
                ON CONFLICT (ticket_id) DO UPDATE SET scans = checkins.scans + 1
                RETURNING scan_id, gate, admitted_at
            ), decided AS (
                SELECT CASE WHEN CAST(:refusal AS text) IS NOT NULL THEN CAST(:refusal AS text)
                            WHEN ticket.id IS NULL THEN 'invalid'
                            WHEN ticket.status <> 'confirmed' OR ticket.serial <> :serial THEN 'revoked'
                            WHEN admission.scan_id = :scanId THEN 'admitted'
                            ELSE 'already_admitted' END AS result,
                       admission.admitted_at, admission.gate AS admitted_gate
                  FROM (SELECT 1) AS one LEFT JOIN ticket ON true LEFT JOIN admission ON true
            ), recorded AS (
                INSERT INTO checkin_scans (event_id, scan_id, ticket_id, gate, result, admitted_at, admitted_gate, scanned_at)
                SELECT :eventId, :scanId, :ticketId, :gate, result, admitted_at, admitted_gate, now() FROM decided
                 WHERE NOT EXISTS (SELECT 1 FROM prior)
                ON CONFLICT (event_id, scan_id) DO NOTHING
            )
            SELECT coalesce(prior.result, decided.result) AS result,
                   CASE WHEN prior.result IS NULL THEN decided.admitted_at ELSE prior.admitted_at END AS admitted_at,
                   CASE WHEN prior.result IS NULL THEN decided.admitted_gate ELSE prior.admitted_gate END AS admitted_gate,
                   prior.result IS NOT NULL AS replayed, prior.ticket_id AS prior_ticket,
                   ticket.id AS found_ticket, ticket.holder_name, ticket.guest_name
              FROM decided LEFT JOIN prior ON true LEFT JOIN ticket ON true
            """;

    private final Jdbi jdbi;
    /** Null: each scan in a statement of its own (tests, tools); see {@link #groupCommit}. */
    private volatile GroupCommit<ScanWrite, Row> group;

    ScanRecorder(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    Row record(ScanWrite write) {
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

    record Row(String result, Instant admittedAt, String admittedGate, boolean replayed, UUID priorTicket,
               UUID foundTicket, String holderName, String guestName) {
    }

    /** The parameters of one online scan's {@link #SCAN}. */
    record ScanWrite(UUID eventId, String scanId, UUID ticketId, int serial, String gate, String refusal) {
    }

    private static Row decide(Handle handle, ScanWrite w) {
        return handle.createQuery(SCAN)
                .bind("eventId", w.eventId()).bind("scanId", w.scanId()).bind("ticketId", w.ticketId())
                .bind("serial", w.serial()).bind("gate", w.gate()).bind("refusal", w.refusal())
                .map((rs, ctx) -> new Row(rs.getString("result"), instant(rs.getTimestamp("admitted_at")),
                        rs.getString("admitted_gate"), rs.getBoolean("replayed"), rs.getObject("prior_ticket", UUID.class),
                        rs.getObject("found_ticket", UUID.class), rs.getString("holder_name"), rs.getString("guest_name")))
                .one();
    }

    /**
     * Online scans that arrived together, decided in one transaction (group commit): in ticket order,
     * so that two batches lock the same tickets' rows in the same order and cannot deadlock; two scans
     * of one ticket in the same batch are decided one after the other, exactly as across
     * transactions (the second finds the first's admission).
     */
    private List<Row> decideAll(List<ScanWrite> writes) {
        Integer[] order = new Integer[writes.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer, UUID>comparing(i -> writes.get(i).ticketId())
                .thenComparing(i -> writes.get(i).scanId()));
        Row[] rows = new Row[writes.size()];
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
