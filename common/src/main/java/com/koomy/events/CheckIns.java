package com.koomy.events;

import com.codahale.metrics.MetricRegistry;
import com.koomy.errors.ApiException;
import io.dropwizard.lifecycle.Managed;
import org.jdbi.v3.core.Jdbi;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Door check-in. A scan is decided in this order: the QR code must parse and carry a valid signature
 * of the event's community (else {@code invalid}, answered without touching the database); it must be
 * for this event ({@code wrong_event}); then {@link CheckinDao#scan} decides everything else in one statement
 * and one round trip: an earlier answer to the same scan id is replayed; a time outside the code's
 * validity window is {@code not_yet_valid}/{@code expired}; a cancelled seat or an older serial is
 * {@code revoked}; otherwise the ticket's one {@code checkins} row is inserted ({@code admitted}) or
 * found ({@code already_admitted}, with when and where). The primary key of {@code checkins} makes
 * "one admission per ticket" hold across gates, requests and API instances: a concurrent second insert
 * waits for the first to commit and then takes the ON CONFLICT branch.
 */
public class CheckIns {

    /** A batch holds at most this many offline scans. */
    public static final int MAX_BATCH = 1000;

    /**
     * A batch whose first this-many codes all fail verification is refused without verifying the rest
     * ({@code forged_batch}): a scanner's real uploads start with real tickets. Larger is cheaper for us, not
     * dearer: a stopped batch costs the forger this many codes of its budget, so it gets fewer batches (each of
     * which also costs the parsing of up to 1,000 scans, ~10 ms) for slightly more signature checks each.
     */
    public static final int FORGED_PREFIX = 50;

    /**
     * What a batch's signature checks cost (about 0.1 ms of CPU each): {@link #take} is asked for every code
     * of the batch once the caller's access is confirmed, and refuses by throwing; codes not verified after
     * all (a batch stopped early) are given back.
     */
    public interface VerifyBudget {
        VerifyBudget FREE = new VerifyBudget() {
            @Override
            public void take(UUID eventId, UUID callerId, int codes) {
            }

            @Override
            public void giveBack(UUID eventId, UUID callerId, int codes) {
            }
        };

        void take(UUID eventId, UUID callerId, int codes);

        void giveBack(UUID eventId, UUID callerId, int codes);
    }

    /** One offline scan as uploaded: when it was made, where, by which nonce. */
    public record OfflineScan(String qr, String scanId, String gate, Instant scannedAt) {
    }

    private final Jdbi jdbi;
    private final TicketKeys keys;
    private final ScannerAccess access;
    private final Clock clock;
    private final ScanRecorder recorder;

    public CheckIns(Jdbi jdbi, TicketKeys keys, ScannerAccess access, Clock clock) {
        this.jdbi = jdbi;
        this.recorder = new ScanRecorder(jdbi);
        this.keys = keys;
        this.access = access;
        this.clock = clock;
    }

    /** Decides one online scan; see the class comment. 409 scan_id_reused when the scan id came with another ticket. */
    public ScanResult scan(UUID eventId, UUID callerId, String qr, String scanId, String gate) {
        UUID communityId = access.require(eventId, callerId);
        TicketCode.Signed signed = TicketCode.parse(qr);
        if (signed == null || !keys.verifies(communityId, signed)) {
            return ScanResult.refused(scanId, ScanResult.INVALID);
        }
        TicketCode code = signed.code();
        if (!code.eventId().equals(eventId)) {
            return ScanResult.refused(scanId, ScanResult.WRONG_EVENT);
        }
        CheckinDao.ScanRow row = recorder.record(new ScanRecorder.ScanWrite(eventId, scanId, code.ticketId(), code.serial(),
                gate, windowRefusal(code, clock.instant())));
        if (row.priorTicket() != null && !row.priorTicket().equals(code.ticketId())) {
            throw scanIdReused(scanId);
        }
        ScanResult result = new ScanResult(scanId, row.result(), row.admittedAt(), row.admittedGate(),
                row.foundTicket() == null ? null : new ScanResult.Holder(row.foundTicket(), row.holderName(), row.guestName()),
                row.replayed(), null);
        return result;
    }

    /**
     * Decides offline scans uploaded together, each by the rule of {@link #scan} but at its own
     * {@code scannedAt}, and with "the earliest scan wins": an offline scan earlier than the stored
     * admission takes it over (reported as a conflict naming the superseded scan); a later one is
     * {@code already_admitted} with the winner named as its conflict. One transaction; answers in the
     * order of the input. Idempotent by scan id like single scans.
     */
    public List<ScanResult> batch(UUID eventId, UUID callerId, List<OfflineScan> scans) {
        return batch(eventId, callerId, scans, VerifyBudget.FREE);
    }

    /**
     * {@link #batch(UUID, UUID, List)}, the codes verified counted against {@code budget}. 422 forged_batch
     * (nothing recorded) when the batch is longer than {@link #FORGED_PREFIX} and its first
     * {@link #FORGED_PREFIX} codes all fail verification.
     */
    public List<ScanResult> batch(UUID eventId, UUID callerId, List<OfflineScan> scans, VerifyBudget budget) {
        UUID communityId = access.require(eventId, callerId);
        budget.take(eventId, callerId, scans.size());
        Instant now = clock.instant();
        ScanResult[] answers = new ScanResult[scans.size()];
        List<Integer> toDecide = new ArrayList<>();
        TicketCode[] codes = new TicketCode[scans.size()];
        for (int i = 0; i < scans.size(); i++) {
            OfflineScan scan = scans.get(i);
            TicketCode.Signed signed = TicketCode.parse(scan.qr());
            if (signed == null || !keys.verifies(communityId, signed)) {
                answers[i] = ScanResult.refused(scan.scanId(), ScanResult.INVALID);
                if (i == FORGED_PREFIX - 1 && toDecide.isEmpty() && scans.size() > FORGED_PREFIX
                        && Arrays.stream(answers, 0, FORGED_PREFIX).allMatch(a -> ScanResult.INVALID.equals(a.result()))) {
                    budget.giveBack(eventId, callerId, scans.size() - FORGED_PREFIX);
                    throw new ApiException(422, "forged_batch", "the first " + FORGED_PREFIX + " codes of the batch "
                            + "are not valid tickets of this community: the batch was refused without checking the rest, "
                            + "and nothing was recorded");
                }
            } else if (!signed.code().eventId().equals(eventId)) {
                answers[i] = ScanResult.refused(scan.scanId(), ScanResult.WRONG_EVENT);
            } else {
                codes[i] = signed.code();
                toDecide.add(i);
            }
        }
        // Ticket order: concurrent batches lock check-in rows in the same order (no deadlock); time order
        // within a ticket: the earliest scan is decided first.
        toDecide.sort(Comparator.<Integer, UUID>comparing(i -> codes[i].ticketId())
                .thenComparing(i -> scans.get(i).scannedAt()).thenComparing(i -> scans.get(i).scanId()));
        jdbi.useTransaction(handle -> {
            OfflineDecider decider = new OfflineDecider(handle, eventId);
            for (int i : toDecide) {
                OfflineScan scan = scans.get(i);
                Instant at = scan.scannedAt().isAfter(now) ? now : scan.scannedAt();
                answers[i] = decider.decide(scan, codes[i], at, windowRefusal(codes[i], at));
            }
        });
        return List.of(answers);
    }

    /**
     * From now on, online scans are recorded through a group commit of {@code writers} threads; the
     * caller starts and stops what this returns with the process. When a batch fails for anything
     * but the database being out of reach, its scans are decided again one by one.
     */
    public Managed groupCommit(int writers, int maxBatch, java.time.Duration timeout, MetricRegistry metrics) {
        return recorder.groupCommit(writers, maxBatch, timeout, metrics);
    }

    static String windowRefusal(TicketCode code, Instant at) {
        if (at.isBefore(code.validFrom())) {
            return ScanResult.NOT_YET_VALID;
        }
        if (at.isAfter(code.validUntil())) {
            return ScanResult.EXPIRED;
        }
        return null;
    }

    static ApiException scanIdReused(String scanId) {
        return new ApiException(409, "scan_id_reused", "scan id " + scanId + " was used for another ticket: "
                + "each scan needs a new id, and a retry the same id and QR code");
    }

    static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
