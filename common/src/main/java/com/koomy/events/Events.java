package com.koomy.events;

import com.koomy.billing.PlanLimits;
import com.koomy.communities.Communities;
import com.koomy.communities.Community;
import com.koomy.communities.CommunityDao;
import com.koomy.db.KeysetCursor;
import com.koomy.db.Page;
import com.koomy.db.ReadDatabase;
import com.koomy.errors.ApiException;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;
import com.koomy.memberships.Memberships;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A community's events: owners and admins create, edit and cancel them; members (and, for public
 * events of public communities, anyone) read them. Seats are {@link Registrations}'. Like the other
 * community services, a caller who may not see an event gets 404, whatever the id. Lists are read
 * through {@link ReadDatabase} (the read replica when there is one); a single event, which its
 * author reads right after creating it, comes from the primary.
 */
public class Events {

    private final Jdbi jdbi;
    private final ReadDatabase reads;
    private final Registrations registrations;
    private final PlanLimits limits;

    /** {@code limits}: the plan's number of events, checked on each creation (null: unlimited). */
    public Events(Jdbi jdbi, ReadDatabase reads, Registrations registrations, PlanLimits limits) {
        this.jdbi = jdbi;
        this.reads = reads;
        this.registrations = registrations;
        this.limits = java.util.Objects.requireNonNull(limits, "limits");
    }

    public Event create(UUID communityId, UUID callerId, EventFields fields) {
        return jdbi.inTransaction(handle -> {
            Memberships.requireManager(membership(handle, communityId, callerId));
            Community community = handle.attach(CommunityDao.class).find(communityId).orElseThrow(Communities::notFound);
            EventErrors.requireAll(java.util.Map.of("title", Optional.ofNullable(fields.title()),
                    "startsAt", Optional.ofNullable(fields.startsAt()), "endsAt", Optional.ofNullable(fields.endsAt()),
                    "timeZone", Optional.ofNullable(fields.timeZone())));
            EventFields complete = new EventFields(fields.title().strip(), orEmpty(fields.description()),
                    orEmpty(fields.place()), fields.startsAt(), fields.endsAt(), fields.timeZone(), fields.capacity(),
                    fields.visibility() == null ? Event.MEMBERS : fields.visibility(),
                    fields.ticketsPerAccount() == null ? 1 : fields.ticketsPerAccount(), fields.priceCents());
            validate(complete, community, 0);
            limits.requireRoom(handle, communityId, PlanLimits.Limit.EVENTS);
            UUID id = UUID.randomUUID();
            EventDao events = handle.attach(EventDao.class);
            events.insert(id, communityId, complete, callerId);
            return events.find(id).orElseThrow();
        });
    }

    /**
     * Changes the given fields. A capacity below the seats already confirmed is refused; a larger one
     * confirms waitlisted seats (oldest first) and emails their tickets in the same transaction.
     */
    public Event update(UUID eventId, UUID callerId, EventFields change) {
        return jdbi.inTransaction(handle -> {
            EventDao events = handle.attach(EventDao.class);
            Event event = events.lock(eventId).orElseThrow(EventErrors::notFound);
            Memberships.requireManager(membership(handle, event.communityId(), callerId));
            if (event.isCancelled()) {
                throw EventErrors.cancelled();
            }
            Community community = handle.attach(CommunityDao.class).find(event.communityId()).orElseThrow();
            EventFields merged = new EventFields(
                    change.title() == null ? event.title() : change.title().strip(),
                    change.description() == null ? event.description() : change.description(),
                    change.place() == null ? event.place() : change.place(),
                    change.startsAt() == null ? event.startsAt() : change.startsAt(),
                    change.endsAt() == null ? event.endsAt() : change.endsAt(),
                    change.timeZone() == null ? event.timeZone() : change.timeZone(),
                    change.capacity() == null ? event.capacity() : change.capacity(),
                    change.visibility() == null ? event.visibility() : change.visibility(),
                    change.ticketsPerAccount() == null ? event.ticketsPerAccount() : change.ticketsPerAccount(),
                    change.priceCents());
            validate(merged, community, event.confirmedCount());
            events.update(eventId, merged);
            Event updated = events.lock(eventId).orElseThrow();
            registrations.fillFreedSeats(handle, updated);
            return events.find(eventId).orElseThrow();
        });
    }

    /** Cancels the event and every seat: tickets are refused at the door from then on. */
    public Event cancel(UUID eventId, UUID callerId) {
        return jdbi.inTransaction(handle -> {
            EventDao events = handle.attach(EventDao.class);
            Event event = events.lock(eventId).orElseThrow(EventErrors::notFound);
            Memberships.requireManager(membership(handle, event.communityId(), callerId));
            if (events.cancel(eventId)) {
                handle.attach(TicketDao.class).cancelAll(eventId);
            }
            return events.find(eventId).orElseThrow();
        });
    }

    /** The event, if the caller may see it (see {@link #visible}); else 404. */
    public Event get(UUID eventId, UUID callerId) {
        return jdbi.withHandle(handle -> visible(handle, eventId, callerId));
    }

    /**
     * Upcoming (not ended, soonest first) or past (latest first) events. Active members see all of
     * them; anyone else sees the public events of a public community; a private community is 404.
     */
    public Page<Event> list(UUID communityId, UUID callerId, boolean past, int limit, KeysetCursor after) {
        return reads.withHandle(handle -> {
            Community community = handle.attach(CommunityDao.class).find(communityId).orElseThrow(Communities::notFound);
            boolean member = membership(handle, communityId, callerId).filter(Membership::isActive).isPresent();
            if (!member && !community.isPublic()) {
                throw Communities.notFound();
            }
            EventDao events = handle.attach(EventDao.class);
            String afterAt = after == null ? null : after.text();
            UUID afterId = after == null ? null : after.id();
            List<Event> rows = past ? events.past(communityId, !member, afterAt, afterId, limit + 1)
                    : events.upcoming(communityId, !member, afterAt, afterId, limit + 1);
            return Page.of(rows, limit, e -> new KeysetCursor(e.startsAt().toString(), e.id()).encode());
        });
    }

    /** An event the caller may see: a member's, or a public event of a public community. Else 404. */
    static Event visible(Handle handle, UUID eventId, UUID callerId) {
        Event event = handle.attach(EventDao.class).find(eventId).orElseThrow(EventErrors::notFound);
        if (!canSee(handle, event, callerId)) {
            throw EventErrors.notFound();
        }
        return event;
    }

    static boolean canSee(Handle handle, Event event, UUID callerId) {
        if (membership(handle, event.communityId(), callerId).filter(Membership::isActive).isPresent()) {
            return true;
        }
        return event.isPublic() && handle.attach(CommunityDao.class).find(event.communityId())
                .map(Community::isPublic).orElse(false);
    }

    static Optional<Membership> membership(Handle handle, UUID communityId, UUID callerId) {
        return callerId == null ? Optional.empty() : handle.attach(MembershipDao.class).find(communityId, callerId);
    }

    private static void validate(EventFields f, Community community, int confirmed) {
        if (!f.endsAt().isAfter(f.startsAt())) {
            throw EventErrors.invalid("endsAt", "must be after startsAt");
        }
        try {
            ZoneId.of(f.timeZone());
        } catch (DateTimeException e) {
            throw EventErrors.invalid("timeZone", "must be a time zone name such as Europe/Paris");
        }
        if (!Event.MEMBERS.equals(f.visibility()) && !Event.PUBLIC.equals(f.visibility())) {
            throw EventErrors.invalid("visibility", "must be members or public");
        }
        if (Event.PUBLIC.equals(f.visibility()) && !community.isPublic()) {
            throw new ApiException(422, "private_community", "a private community's events are for its members only");
        }
        if (f.capacity() != null && (f.capacity() < 1 || f.capacity() > 1_000_000)) {
            throw EventErrors.invalid("capacity", "must be between 1 and 1,000,000");
        }
        if (f.ticketsPerAccount() < 1 || f.ticketsPerAccount() > 10) {
            throw EventErrors.invalid("ticketsPerAccount", "must be between 1 and 10");
        }
        if (f.priceCents() != null && f.priceCents() != 0) {
            throw new ApiException(422, "paid_events_unsupported", "events are free for now: price must be 0");
        }
        if (f.capacity() != null && f.capacity() < confirmed) {
            throw new ApiException(409, "capacity_below_confirmed", "capacity " + f.capacity() + " is below the "
                    + confirmed + " seats already confirmed: cancel registrations first");
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
