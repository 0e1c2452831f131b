package com.koomy.events;

import com.koomy.errors.ApiException;
import com.koomy.memberships.Membership;
import org.jdbi.v3.core.Jdbi;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may scan at an event: its community's active owners and admins, and the event's door staff
 * (active members an admin named). Checked on every scan, so the answer is kept in memory: an event's
 * community (it never changes) for good, a "yes" for {@link #GRANT_TTL_NANOS} (a revoked door-staff
 * grant stops working within 5 s on every instance), a "no" not at all (a new grant works at once).
 */
public class ScannerAccess {

    static final long GRANT_TTL_NANOS = 5_000_000_000L;
    private static final int MAX_ENTRIES = 100_000;

    private record Grant(UUID eventId, UUID accountId) {
    }

    private final Jdbi jdbi;
    private final Map<UUID, UUID> communityOf = new ConcurrentHashMap<>();
    private final Map<Grant, Long> grantedUntil = new ConcurrentHashMap<>();

    public ScannerAccess(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * The event's community if the caller may scan there. 404 event_not_found for an unknown event or a
     * caller who cannot see it, 403 for one who can but may not scan.
     */
    public UUID require(UUID eventId, UUID callerId) {
        UUID communityId = communityOf.get(eventId);
        Long until = communityId == null ? null : grantedUntil.get(new Grant(eventId, callerId));
        if (until != null && until - System.nanoTime() > 0) {
            return communityId;
        }
        return jdbi.withHandle(handle -> {
            Event event = handle.attach(EventDao.class).find(eventId).orElseThrow(EventErrors::notFound);
            Optional<Membership> membership = Events.membership(handle, event.communityId(), callerId);
            boolean allowed = membership.filter(Membership::canManage).isPresent()
                    || (membership.filter(Membership::isActive).isPresent()
                        && handle.attach(EventStaffDao.class).isStaff(eventId, callerId));
            if (!allowed) {
                if (!Events.canSee(handle, event, callerId)) {
                    throw EventErrors.notFound();
                }
                throw new ApiException(403, "forbidden", "only owners, admins and this event's door staff may scan");
            }
            if (communityOf.size() > MAX_ENTRIES || grantedUntil.size() > MAX_ENTRIES) {
                communityOf.clear();
                grantedUntil.clear();
            }
            communityOf.put(eventId, event.communityId());
            grantedUntil.put(new Grant(eventId, callerId), System.nanoTime() + GRANT_TTL_NANOS);
            return event.communityId();
        });
    }

    /** Forgets the grants of an event at once on this instance (the others within the TTL). */
    public void forget(UUID eventId) {
        grantedUntil.keySet().removeIf(g -> g.eventId().equals(eventId));
    }
}
