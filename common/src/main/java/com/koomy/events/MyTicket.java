package com.koomy.events;

import java.time.Instant;
import java.util.UUID;

/** One of an account's seats, with the event summary it needs to show. */
public record MyTicket(
        UUID id,
        UUID eventId,
        UUID communityId,
        String title,
        String place,
        Instant startsAt,
        Instant endsAt,
        String timeZone,
        String eventStatus,
        String status,
        int serial,
        String guestName,
        Instant createdAt) {
}
