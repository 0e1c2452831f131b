package com.koomy.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Live counts of an event's door: seats confirmed and waitlisted, tickets admitted (in all and per
 * gate of admission), admissions and scans in the last minute, and when this was counted.
 */
public record CheckinStats(UUID eventId, Integer capacity, int registered, int waitlisted, long admitted,
                           long admittedLastMinute, long scansLastMinute, List<Gate> gates, Instant computedAt) {

    public record Gate(String gate, long admitted, long admittedLastMinute) {
    }
}
