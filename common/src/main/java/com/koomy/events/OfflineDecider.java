package com.koomy.events;

import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Decides offline scans inside one transaction (see {@link CheckIns#batch}). Not the hot path: a few
 * statements per scan, with the ticket's check-in row locked while it is compared and changed.
 */
final class OfflineDecider {

    private record Prior(String result, Instant admittedAt, String admittedGate, UUID ticketId) {
    }

    private record Seat(String status, int serial, String holderName, String guestName) {
    }

    private record Admission(String scanId, String gate, Instant admittedAt) {
    }

    private final Handle handle;
    private final UUID eventId;

    OfflineDecider(Handle handle, UUID eventId) {
        this.handle = handle;
        this.eventId = eventId;
    }

    ScanResult decide(CheckIns.OfflineScan scan, TicketCode code, Instant at, String refusal) {
        Optional<Prior> prior = prior(scan.scanId());
        if (prior.isPresent()) {
            if (!prior.get().ticketId().equals(code.ticketId())) {
                throw CheckIns.scanIdReused(scan.scanId());
            }
            Seat seat = seat(code.ticketId()).orElse(null);
            return new ScanResult(scan.scanId(), prior.get().result(), prior.get().admittedAt(), prior.get().admittedGate(),
                    holder(code, seat), true, null);
        }
        Seat seat = seat(code.ticketId()).orElse(null);
        ScanResult.Holder holder = holder(code, seat);
        if (refusal != null || seat == null || !Ticket.CONFIRMED.equals(seat.status()) || seat.serial() != code.serial()) {
            String result = refusal != null ? refusal : seat == null ? ScanResult.INVALID : ScanResult.REVOKED;
            record(scan, code, at, result, null);
            return new ScanResult(scan.scanId(), result, null, null, holder, false, null);
        }
        boolean inserted = handle.createUpdate("""
                        /* OfflineDecider.admit */
                        INSERT INTO checkins (ticket_id, event_id, scan_id, gate, admitted_at, offline)
                        VALUES (:ticketId, :eventId, :scanId, :gate, :at, true)
                        ON CONFLICT (ticket_id) DO NOTHING
                        """)
                .bind("ticketId", code.ticketId()).bind("eventId", eventId).bind("scanId", scan.scanId())
                .bind("gate", scan.gate()).bind("at", at).execute() == 1;
        if (inserted) {
            Admission mine = new Admission(scan.scanId(), scan.gate(), at);
            record(scan, code, at, ScanResult.ADMITTED, mine);
            return new ScanResult(scan.scanId(), ScanResult.ADMITTED, at, scan.gate(), holder, false, null);
        }
        Admission held = handle.createQuery("""
                        /* OfflineDecider.lock */
                        SELECT scan_id, gate, admitted_at FROM checkins WHERE ticket_id = :ticketId FOR UPDATE
                        """)
                .bind("ticketId", code.ticketId())
                .map((rs, ctx) -> new Admission(rs.getString("scan_id"), rs.getString("gate"),
                        rs.getTimestamp("admitted_at").toInstant()))
                .one();
        boolean earlier = at.isBefore(held.admittedAt());
        handle.createUpdate("""
                        /* OfflineDecider.update */
                        UPDATE checkins SET scans = scans + 1,
                               scan_id = CASE WHEN :earlier THEN :scanId ELSE scan_id END,
                               gate = CASE WHEN :earlier THEN :gate ELSE gate END,
                               admitted_at = CASE WHEN :earlier THEN :at ELSE admitted_at END,
                               offline = CASE WHEN :earlier THEN true ELSE offline END
                         WHERE ticket_id = :ticketId
                        """)
                .bind("earlier", earlier).bind("scanId", scan.scanId()).bind("gate", scan.gate()).bind("at", at)
                .bind("ticketId", code.ticketId()).execute();
        ScanResult.Conflict conflict = new ScanResult.Conflict(held.scanId(), held.gate(), held.admittedAt(), earlier);
        if (earlier) {
            record(scan, code, at, ScanResult.ADMITTED, new Admission(scan.scanId(), scan.gate(), at));
            return new ScanResult(scan.scanId(), ScanResult.ADMITTED, at, scan.gate(), holder, false, conflict);
        }
        record(scan, code, at, ScanResult.ALREADY_ADMITTED, held);
        return new ScanResult(scan.scanId(), ScanResult.ALREADY_ADMITTED, held.admittedAt(), held.gate(), holder, false, conflict);
    }

    private Optional<Prior> prior(String scanId) {
        return handle.createQuery("""
                        /* OfflineDecider.prior */
                        SELECT result, admitted_at, admitted_gate, ticket_id FROM checkin_scans
                         WHERE event_id = :eventId AND scan_id = :scanId
                        """)
                .bind("eventId", eventId).bind("scanId", scanId)
                .map((rs, ctx) -> new Prior(rs.getString("result"), CheckIns.instant(rs.getTimestamp("admitted_at")),
                        rs.getString("admitted_gate"), rs.getObject("ticket_id", UUID.class)))
                .findOne();
    }

    private Optional<Seat> seat(UUID ticketId) {
        return handle.createQuery("""
                        /* OfflineDecider.seat */
                        SELECT t.status, t.serial, a.name, t.guest_name
                          FROM tickets t JOIN accounts a ON a.id = t.account_id
                         WHERE t.id = :ticketId AND t.event_id = :eventId
                        """)
                .bind("ticketId", ticketId).bind("eventId", eventId)
                .map((rs, ctx) -> new Seat(rs.getString("status"), rs.getInt("serial"), rs.getString("name"),
                        rs.getString("guest_name")))
                .findOne();
    }

    private static ScanResult.Holder holder(TicketCode code, Seat seat) {
        return seat == null ? null : new ScanResult.Holder(code.ticketId(), seat.holderName(), seat.guestName());
    }

    /** Stores the answer; a scan id decided concurrently by another request keeps that request's answer. */
    private void record(CheckIns.OfflineScan scan, TicketCode code, Instant at, String result, Admission admission) {
        handle.createUpdate("""
                        /* OfflineDecider.record */
                        INSERT INTO checkin_scans (event_id, scan_id, ticket_id, gate, result, admitted_at, admitted_gate,
                                                   scanned_at, offline)
                        VALUES (:eventId, :scanId, :ticketId, :gate, :result, :admittedAt, :admittedGate, :at, true)
                        ON CONFLICT (event_id, scan_id) DO NOTHING
                        """)
                .bind("eventId", eventId).bind("scanId", scan.scanId()).bind("ticketId", code.ticketId())
                .bind("gate", scan.gate()).bind("result", result)
                .bind("admittedAt", admission == null ? null : admission.admittedAt())
                .bind("admittedGate", admission == null ? null : admission.gate())
                .bind("at", at).execute();
    }
}
