package com.koomy.events;

import java.time.Instant;
import java.util.UUID;

/** A seat at an event: confirmed (it has a QR ticket), waitlisted or cancelled. */
public record Ticket(
        UUID id,
        UUID eventId,
        UUID accountId,
        String guestName,
        String status,
        int serial,
        Instant createdAt,
        Instant confirmedAt,
        Instant cancelledAt) {

    public static final String CONFIRMED = "confirmed";
    public static final String WAITLISTED = "waitlisted";
    public static final String CANCELLED = "cancelled";

    public boolean isConfirmed() {
        return CONFIRMED.equals(status);
    }

    public boolean isActive() {
        return !CANCELLED.equals(status);
    }
}
