package com.koomy.events;

import com.koomy.events.CheckinDao.Admission;
import com.koomy.events.CheckinDao.Prior;
import com.koomy.events.CheckinDao.Seat;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Decides offline scans inside one transaction (see {@link CheckIns#batch}). Not the hot path: a few
 * statements per scan, with the ticket's check-in row locked while it is compared and changed.
 */
final class OfflineDecider {

    private final CheckinDao checkins;
    private final UUID eventId;

    OfflineDecider(Handle handle, UUID eventId) {
        this.checkins = handle.attach(CheckinDao.class);
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
        boolean inserted = checkins.admitOffline(code.ticketId(), eventId, scan.scanId(), scan.gate(), at);
        if (inserted) {
            Admission mine = new Admission(scan.scanId(), scan.gate(), at);
            record(scan, code, at, ScanResult.ADMITTED, mine);
            return new ScanResult(scan.scanId(), ScanResult.ADMITTED, at, scan.gate(), holder, false, null);
        }
        Admission held = checkins.lockAdmission(code.ticketId());
        boolean earlier = at.isBefore(held.admittedAt());
        checkins.rescanOffline(code.ticketId(), earlier, scan.scanId(), scan.gate(), at);
        ScanResult.Conflict conflict = new ScanResult.Conflict(held.scanId(), held.gate(), held.admittedAt(), earlier);
        if (earlier) {
            record(scan, code, at, ScanResult.ADMITTED, new Admission(scan.scanId(), scan.gate(), at));
            return new ScanResult(scan.scanId(), ScanResult.ADMITTED, at, scan.gate(), holder, false, conflict);
        }
        record(scan, code, at, ScanResult.ALREADY_ADMITTED, held);
        return new ScanResult(scan.scanId(), ScanResult.ALREADY_ADMITTED, held.admittedAt(), held.gate(), holder, false, conflict);
    }

    private Optional<Prior> prior(String scanId) {
        return checkins.prior(eventId, scanId);
    }

    private Optional<Seat> seat(UUID ticketId) {
        return checkins.seat(eventId, ticketId);
    }

    private static ScanResult.Holder holder(TicketCode code, Seat seat) {
        return seat == null ? null : new ScanResult.Holder(code.ticketId(), seat.holderName(), seat.guestName());
    }

    /** Stores the answer; a scan id decided concurrently by another request keeps that request's answer. */
    private void record(CheckIns.OfflineScan scan, TicketCode code, Instant at, String result, Admission admission) {
        checkins.recordOffline(new CheckinDao.OfflineScan(eventId, scan.scanId(), code.ticketId(), scan.gate(), result,
                admission == null ? null : admission.admittedAt(), admission == null ? null : admission.gate(), at));
    }
}
