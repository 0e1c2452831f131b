package com.koomy.events;

import com.koomy.communities.CommunityKeys;
import com.koomy.errors.ApiException;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;
import com.koomy.memberships.MembershipEnd;
import com.koomy.memberships.Memberships;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Seats at events. Every write that changes an event's seats locks the event row first
 * ({@link EventDao#lock}), so the confirmed count it reads cannot move before it commits: capacity is
 * never exceeded, however many register at once, on however many API instances. A full event puts
 * new registrations on its waitlist; each freed seat (a cancellation, a larger capacity) confirms the
 * oldest waitlisted one, whose ticket email goes out in the same transaction.
 */
public class Registrations implements MembershipEnd {

    /** What a registration gave: the seat, its QR content when confirmed, its place in line when waitlisted. */
    public record Registration(Ticket ticket, String qr, Integer waitlistPosition) {
    }

    private final Jdbi jdbi;
    private final TicketKeys keys;
    private final TicketMail mail;
    private final Clock clock;
    private final FreedSeats freedSeats;

    public Registrations(Jdbi jdbi, TicketKeys keys, TicketMail mail, Clock clock) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.mail = mail;
        this.clock = clock;
        this.freedSeats = new FreedSeats(keys, mail);
    }

    /**
     * Registers the caller (a seat for a guest when {@code guestName} is given). 404 when the caller
     * may not see the event (members-only events are for active members), 409 when cancelled, ended,
     * or the caller already holds the seats the event allows per account; 503 without signing keys
     * (nothing stored).
     */
    public Registration register(UUID eventId, UUID callerId, String guestName) {
        requireKeys();
        Event seen = jdbi.withHandle(handle -> Events.visible(handle, eventId, callerId));
        Function<TicketCode, String> signer = keys.signer(seen.communityId());
        // Everything else happens under the event's lock, which serializes the event's registrations: keep it short.
        return jdbi.inTransaction(handle -> {
            // The membership row first (FOR KEY SHARE), then the event: a removal holds that row FOR UPDATE
            // while it cancels the member's seats (Memberships#remove), so a registration either commits
            // before the removal reads the seats (and is cancelled with them) or sees the membership gone.
            Optional<Membership> membership = handle.attach(MembershipDao.class).lockShared(seen.communityId(), callerId);
            EventDao events = handle.attach(EventDao.class);
            TicketDao tickets = handle.attach(TicketDao.class);
            Event event = events.lock(eventId).orElseThrow(EventErrors::notFound);
            if (!event.isPublic() && membership.filter(Membership::isActive).isEmpty()) {
                throw EventErrors.notFound();
            }
            requireOpen(event);
            int held = tickets.activeSeats(eventId, callerId);
            if (held >= event.ticketsPerAccount()) {
                throw new ApiException(409, "already_registered", event.ticketsPerAccount() == 1
                        ? "you are already registered for this event"
                        : "you already hold the " + event.ticketsPerAccount() + " seats an account may have here");
            }
            boolean seat = event.capacity() == null || event.confirmedCount() < event.capacity();
            Ticket ticket = tickets.insert(UUID.randomUUID(), eventId, callerId, guestName,
                    seat ? Ticket.CONFIRMED : Ticket.WAITLISTED);
            events.count(eventId, seat ? 1 : 0, seat ? 0 : 1);
            if (!seat) {
                return new Registration(ticket, null, tickets.waitlistPosition(ticket.id()));
            }
            String qr = signer.apply(code(event, ticket));
            mail.send(handle, event, ticket, qr);
            return new Registration(ticket, qr, null);
        });
    }

    /**
     * Cancels a seat: its holder or the community's owners and admins. A confirmed seat freed this
     * way goes to the first in the waitlist. Cancelling a cancelled seat is a no-op.
     */
    public Ticket cancel(UUID eventId, UUID callerId, UUID ticketId) {
        return jdbi.inTransaction(handle -> {
            EventDao events = handle.attach(EventDao.class);
            Event event = events.lock(eventId).orElseThrow(EventErrors::notFound);
            Ticket ticket = ownOrManaged(handle, event, callerId, ticketId);
            if (!ticket.isActive()) {
                return ticket;
            }
            Ticket cancelled = FreedSeats.release(handle, ticket);
            fillFreedSeats(handle, events.find(eventId).orElseThrow());
            return cancelled;
        });
    }

    /**
     * Owners and admins: confirms one waitlisted seat out of turn (the ticket is emailed). When the event is
     * full, {@code raiseCapacity} adds the seat to the capacity; without it, 409 event_full. 404
     * ticket_not_found; 409 not_waitlisted, event_cancelled, event_ended; 503 card_keys_not_configured.
     */
    public Registration promote(UUID eventId, UUID callerId, UUID ticketId, boolean raiseCapacity) {
        requireKeys();
        return jdbi.inTransaction(handle -> {
            EventDao events = handle.attach(EventDao.class);
            Event event = events.lock(eventId).orElseThrow(EventErrors::notFound);
            if (!Events.canSee(handle, event, callerId)) {
                throw EventErrors.notFound();
            }
            Memberships.requireManager(Events.membership(handle, event.communityId(), callerId));
            Ticket ticket = handle.attach(TicketDao.class).find(eventId, ticketId).orElseThrow(EventErrors::ticketNotFound);
            if (!Ticket.WAITLISTED.equals(ticket.status())) {
                throw new ApiException(409, "not_waitlisted", "ticketId: this seat is " + ticket.status() + ", not waitlisted");
            }
            requireOpen(event);
            if (event.capacity() != null && event.confirmedCount() >= event.capacity()) {
                if (!raiseCapacity) {
                    throw new ApiException(409, "event_full",
                            "raiseCapacity: the event is full; send raiseCapacity true to add this seat, or cancel one first");
                }
                handle.attach(EventDao.class).raiseCapacity(eventId);
            }
            Ticket confirmed = handle.attach(TicketDao.class).confirmWaitlisted(eventId, ticketId).orElseThrow();
            events.count(eventId, 1, -1);
            String qr = keys.signer(event.communityId()).apply(code(event, confirmed));
            mail.send(handle, event, confirmed, qr);
            return new Registration(confirmed, qr, null);
        });
    }

    /**
     * Ends, in the caller's transaction, the seats a membership gave (see {@link MembershipEnd}): every
     * seat of the account at the community's members-only events whose QR codes could still admit (not
     * cancelled, not past {@link Event#validUntil}) is cancelled as by {@link #cancel}: its QR codes are
     * {@code revoked} at the door and in the check-in bundle, and the freed seats go to the waitlist.
     * Seats at public events stay; door-staff grants at the community's events go. The caller holds the membership row FOR UPDATE (so no registration of
     * the account can slip in, see {@link #register}); events are locked in id order.
     */
    @Override
    public void membershipEnded(Handle handle, UUID communityId, UUID accountId) {
        EventDao events = handle.attach(EventDao.class);
        TicketDao tickets = handle.attach(TicketDao.class);
        for (UUID eventId : tickets.membersOnlyEventsHeld(communityId, accountId, clock.instant().minus(Event.DOORS_MARGIN))) {
            events.lock(eventId).orElseThrow();
            for (Ticket ticket : tickets.activeOf(eventId, accountId)) {
                FreedSeats.release(handle, ticket);
            }
            fillFreedSeats(handle, events.find(eventId).orElseThrow());
        }
        // Door staff must be active members (ScannerAccess): the grants would come back with a new membership.
        handle.attach(EventStaffDao.class).revokeAll(communityId, accountId);
    }

    /**
     * A new QR code for a confirmed seat (a lost or leaked one): the serial goes up, every earlier QR
     * code of the seat is refused from then on, and the new ticket is emailed.
     */
    public Registration reissue(UUID eventId, UUID callerId, UUID ticketId) {
        requireKeys();
        Event seen = jdbi.withHandle(handle -> handle.attach(EventDao.class).find(eventId)).orElseThrow(EventErrors::notFound);
        Function<TicketCode, String> signer = keys.signer(seen.communityId());
        return jdbi.inTransaction(handle -> {
            Event event = handle.attach(EventDao.class).lock(eventId).orElseThrow(EventErrors::notFound);
            ownOrManaged(handle, event, callerId, ticketId);
            requireOpen(event);
            Ticket ticket = handle.attach(TicketDao.class).reissue(eventId, ticketId)
                    .orElseThrow(() -> new ApiException(409, "not_confirmed", "only a confirmed seat has a ticket"));
            String qr = signer.apply(code(event, ticket));
            mail.send(handle, event, ticket, qr);
            return new Registration(ticket, qr, null);
        });
    }

    /** Confirms waitlisted seats into the event's free seats; the caller holds the event's lock. */
    void fillFreedSeats(Handle handle, Event event) {
        freedSeats.fill(handle, event);
    }

    static TicketCode code(Event event, Ticket ticket) {
        return new TicketCode(null, ticket.id(), event.id(), ticket.serial(), event.validFrom(), event.validUntil());
    }

    private void requireOpen(Event event) {
        if (event.isCancelled()) {
            throw EventErrors.cancelled();
        }
        if (!event.endsAt().isAfter(clock.instant())) {
            throw new ApiException(409, "event_ended", "this event has ended");
        }
    }

    private void requireKeys() {
        if (!keys.isConfigured()) {
            throw new ApiException(503, "card_keys_not_configured", "tickets are signed: they need "
                    + CommunityKeys.SECRET_VARIABLE + " (base64 of 32 random bytes) in the API's environment");
        }
    }

    /** The seat, if it is the caller's or the caller manages the community; else 404. */
    private static Ticket ownOrManaged(Handle handle, Event event, UUID callerId, UUID ticketId) {
        Ticket ticket = handle.attach(TicketDao.class).find(event.id(), ticketId).orElseThrow(EventErrors::ticketNotFound);
        if (ticket.accountId().equals(callerId)) {
            return ticket;
        }
        if (!Events.canSee(handle, event, callerId)) {
            throw EventErrors.notFound();
        }
        try {
            Memberships.requireManager(Events.membership(handle, event.communityId(), callerId));
        } catch (ApiException notManager) {
            throw EventErrors.ticketNotFound();
        }
        return ticket;
    }
}
