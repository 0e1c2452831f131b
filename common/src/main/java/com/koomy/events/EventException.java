package com.koomy.events;

import com.koomy.communities.CommunityException;

/** A refused event, registration or check-in operation; same contract as {@link CommunityException}. */
public final class EventException {

    private EventException() {
    }

    public static CommunityException notFound() {
        return new CommunityException(404, "event_not_found", "no such event");
    }

    public static CommunityException ticketNotFound() {
        return new CommunityException(404, "ticket_not_found", "no such ticket at this event");
    }

    public static CommunityException cancelled() {
        return new CommunityException(409, "event_cancelled", "this event is cancelled");
    }

    /** A value no event can have (as bean validation's answer: 400 validation_failed). */
    public static CommunityException invalid(String message) {
        return new CommunityException(400, "validation_failed", message);
    }
}
