package com.koomy.events;

import jakarta.annotation.Nullable;
import java.time.Instant;
import java.util.UUID;

/**
 * A seat as the attendee list shows it: the holder, the seat's status (confirmed, waitlisted, cancelled),
 * its place in the waitlist, its admission (time and gate) and the no-show mark.
 */
public record Attendee(
        UUID ticketId,
        UUID accountId,
        String name,
        String email,
        @Nullable String guestName,
        String status,
        @Nullable Integer waitlistPosition,
        Instant registeredAt,
        @Nullable Instant confirmedAt,
        @Nullable Instant cancelledAt,
        @Nullable Instant checkedInAt,
        @Nullable String gate,
        @Nullable Instant noShowAt) {
}
