package com.koomy.events;

import org.jdbi.v3.core.Handle;

import java.util.List;
import java.util.function.Function;

/**
 * A seat given up and the seats it frees: the cancelled seat leaves the event's counts, and the first in
 * the waitlist are confirmed into the free seats, their tickets emailed in the same transaction. The
 * caller holds the event's lock ({@link EventDao#lock}) throughout.
 */
final class FreedSeats {

    private final TicketKeys keys;
    private final TicketMail mail;

    FreedSeats(TicketKeys keys, TicketMail mail) {
        this.keys = keys;
        this.mail = mail;
    }

    /** Cancels an active seat and takes it out of the event's counts; the caller holds the event's lock, then fills the freed seats. */
    static Ticket release(Handle handle, Ticket ticket) {
        Ticket cancelled = handle.attach(TicketDao.class).cancel(ticket.eventId(), ticket.id()).orElseThrow();
        handle.attach(EventDao.class).count(ticket.eventId(), ticket.isConfirmed() ? -1 : 0, ticket.isConfirmed() ? 0 : -1);
        return cancelled;
    }

    /** Confirms waitlisted seats into the event's free seats; the caller holds the event's lock. */
    void fill(Handle handle, Event event) {
        if (event.isCancelled() || event.waitlistedCount() == 0) {
            return;
        }
        int free = event.capacity() == null ? event.waitlistedCount() : event.capacity() - event.confirmedCount();
        if (free <= 0) {
            return;
        }
        List<Ticket> promoted = handle.attach(TicketDao.class).promote(event.id(), free);
        if (promoted.isEmpty()) {
            return;
        }
        handle.attach(EventDao.class).count(event.id(), promoted.size(), -promoted.size());
        // Promotions must not fail for want of keys: the seat is confirmed, the email waits for a reissue.
        Function<TicketCode, String> signer = keys.isConfigured() ? keys.signer(event.communityId()) : null;
        for (Ticket ticket : promoted) {
            if (signer != null) {
                mail.send(handle, event, ticket, signer.apply(Registrations.code(event, ticket)));
            }
        }
    }
}
