package com.koomy.events;

import jakarta.annotation.Nullable;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * The answer to one scan. {@code admittedAt}/{@code admittedGate} name the ticket's admission (this
 * scan's or the earlier one) when there is one; {@code holder} is set for tickets found at this event;
 * {@code replayed} says the answer was stored by an earlier request with the same scan id;
 * {@code conflict} (offline batches) names the other scan that held or holds the admission.
 */
public record ScanResult(String scanId, String result, @Nullable Instant admittedAt, @Nullable String admittedGate, @Nullable Holder holder,
                         boolean replayed, @Nullable Conflict conflict) {

    public static final String ADMITTED = "admitted";
    public static final String ALREADY_ADMITTED = "already_admitted";
    public static final String INVALID = "invalid";
    public static final String WRONG_EVENT = "wrong_event";
    public static final String REVOKED = "revoked";
    public static final String NOT_YET_VALID = "not_yet_valid";
    public static final String EXPIRED = "expired";
    public static final Set<String> RESULTS = Set.of(ADMITTED, ALREADY_ADMITTED, INVALID, WRONG_EVENT, REVOKED,
            NOT_YET_VALID, EXPIRED);

    /** Who the ticket is for, as the door shows it. */
    public record Holder(UUID ticketId, String name, @Nullable String guestName) {
    }

    /** The other scan of the same ticket; {@code superseded}: this (earlier) scan took the admission from it. */
    public record Conflict(String scanId, String gate, Instant admittedAt, boolean superseded) {
    }

    static ScanResult refused(String scanId, String result) {
        return new ScanResult(scanId, result, null, null, null, false, null);
    }
}
