package com.koomy.events;

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
        String guestName,
        String status,
        Integer waitlistPosition,
        Instant registeredAt,
        Instant confirmedAt,
        Instant cancelledAt,
        Instant checkedInAt,
        String gate,
        Instant noShowAt) {
}
