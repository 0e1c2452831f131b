package com.koomy.events;

import java.time.Instant;

/**
 * An event's editable fields, as a creation (every required field set) or a change (null: unchanged).
 * Validated by {@link Events}: the HTTP layer only checks shapes.
 */
public record EventFields(
        String title,
        String description,
        String place,
        Instant startsAt,
        Instant endsAt,
        String timeZone,
        Integer capacity,
        String visibility,
        Integer ticketsPerAccount,
        Integer priceCents) {
}
