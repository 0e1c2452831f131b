package com.koomy.events;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.koomy.errors.ApiException;
import com.koomy.memberships.Membership;
import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Who may scan at an event: its community's active owners and admins, and the event's door staff
 * (active members an admin named). Checked on every scan, so the answer is kept in memory: a "yes" (with
 * the event's community) for {@link #GRANT_TTL} (a revoked door-staff grant stops working within 5 s on
 * every instance), a "no" not at all (a new grant works at once).
 */
public class ScannerAccess {

    static final Duration GRANT_TTL = Duration.ofSeconds(5);
    private static final int MAX_ENTRIES = 100_000;

    private record Grant(UUID eventId, UUID accountId) {
    }

    private final Jdbi jdbi;
    /** Who may scan where, with the event's community: entries of a fixed size, so bounded by their count. */
    private final Cache<Grant, UUID> granted = Caffeine.newBuilder()
            .expireAfterWrite(GRANT_TTL)
            .maximumSize(MAX_ENTRIES)
            .build();

    public ScannerAccess(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * The event's community if the caller may scan there. 404 event_not_found for an unknown event or a
     * caller who cannot see it, 403 for one who can but may not scan.
     */
    public UUID require(UUID eventId, UUID callerId) {
        UUID communityId = granted.getIfPresent(new Grant(eventId, callerId));
        if (communityId != null) {
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
            granted.put(new Grant(eventId, callerId), event.communityId());
            return event.communityId();
        });
    }

    /** Forgets the grants of an event at once on this instance (the others within the TTL). */
    public void forget(UUID eventId) {
        granted.asMap().keySet().removeIf(g -> g.eventId().equals(eventId));
    }
}
