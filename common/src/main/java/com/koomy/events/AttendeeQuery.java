package com.koomy.events;

import com.koomy.errors.ApiException;


/** Filters of an event's attendee list and CSV; null: not filtered. */
public record AttendeeQuery(String status, Boolean checkedIn, String gate, Boolean noShow) {

    public static final java.util.Set<String> STATUSES = java.util.Set.of(Ticket.CONFIRMED, Ticket.WAITLISTED, Ticket.CANCELLED);

    /** 400 naming the field. */
    public AttendeeQuery validate() {
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.invalidField("invalid_status", "status", "must be one of confirmed, waitlisted, cancelled");
        }
        if (gate != null && (gate.isEmpty() || gate.length() > 100)) {
            throw ApiException.invalidField("invalid_gate", "gate", "must have 1 to 100 characters");
        }
        return this;
    }
}
