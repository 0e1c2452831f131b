package com.koomy.events;

import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.util.UUID;

/**
 * An account being deleted gives up every seat that could still admit, at members-only and public events of
 * every community alike, in the deletion request's transaction: cancelled as by {@link Registrations#cancel}
 * (QR codes revoked), the freed seats going to the first in line (ticket emailed). Events are locked in id order,
 * after the membership rows, as every seat change does.
 */
public final class AccountSeats {

    private final Registrations registrations;
    private final Clock clock;

    public AccountSeats(Registrations registrations, Clock clock) {
        this.registrations = registrations;
        this.clock = clock;
    }

    /** The number of seats released. */
    public int releaseAll(Handle handle, UUID accountId) {
        EventDao events = handle.attach(EventDao.class);
        TicketDao tickets = handle.attach(TicketDao.class);
        int released = 0;
        for (UUID eventId : tickets.eventsHeld(accountId, clock.instant().minus(Event.DOORS_MARGIN))) {
            events.lock(eventId).orElseThrow();
            for (Ticket ticket : tickets.activeOf(eventId, accountId)) {
                FreedSeats.release(handle, ticket);
                released++;
            }
            registrations.fillFreedSeats(handle, events.find(eventId).orElseThrow());
        }
        return released;
    }
}
