package com.koomy.events;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** An event of a community, with its seat counters (see V9). */
public record Event(
        UUID id,
        UUID communityId,
        String title,
        String description,
        String place,
        Instant startsAt,
        Instant endsAt,
        String timeZone,
        Integer capacity,
        String visibility,
        int ticketsPerAccount,
        int priceCents,
        String status,
        int confirmedCount,
        int waitlistedCount,
        UUID createdBy,
        Instant createdAt,
        Instant updatedAt,
        Instant cancelledAt) {

    public static final String MEMBERS = "members";
    public static final String PUBLIC = "public";
    public static final String SCHEDULED = "scheduled";
    public static final String CANCELLED = "cancelled";

    /** How long before the start and after the end a ticket's QR code admits (its validity window). */
    public static final Duration DOORS_MARGIN = Duration.ofHours(12);

    public boolean isPublic() {
        return PUBLIC.equals(visibility);
    }

    public boolean isCancelled() {
        return CANCELLED.equals(status);
    }

    /** Seats left, or null without a capacity. */
    public Integer seatsLeft() {
        return capacity == null ? null : Math.max(0, capacity - confirmedCount);
    }

    public Instant validFrom() {
        return startsAt.minus(DOORS_MARGIN);
    }

    public Instant validUntil() {
        return endsAt.plus(DOORS_MARGIN);
    }
}
