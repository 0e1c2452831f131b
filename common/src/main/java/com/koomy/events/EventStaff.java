package com.koomy.events;

import com.koomy.errors.ApiException;
import com.koomy.memberships.Membership;
import com.koomy.memberships.Memberships;
import org.jdbi.v3.core.Jdbi;

import java.util.List;
import java.util.UUID;

/**
 * Door staff: owners and admins name active members of the community who may scan tickets at one
 * event (and read its check-in bundle and counts). Owners and admins scan without being named.
 */
public class EventStaff {

    private final Jdbi jdbi;
    private final ScannerAccess access;

    public EventStaff(Jdbi jdbi, ScannerAccess access) {
        this.jdbi = jdbi;
        this.access = access;
    }

    /** True when newly granted. 409 not_active_member when the account is not an active member. */
    public boolean grant(UUID eventId, UUID callerId, UUID accountId) {
        return jdbi.inTransaction(handle -> {
            Event event = handle.attach(EventDao.class).find(eventId).orElseThrow(EventErrors::notFound);
            requireManager(handle, event, callerId);
            if (Events.membership(handle, event.communityId(), accountId).filter(Membership::isActive).isEmpty()) {
                throw new ApiException(409, "not_active_member", "door staff must be active members of the community");
            }
            return handle.attach(EventStaffDao.class).grant(eventId, accountId, callerId);
        });
    }

    public void revoke(UUID eventId, UUID callerId, UUID accountId) {
        jdbi.useTransaction(handle -> {
            Event event = handle.attach(EventDao.class).find(eventId).orElseThrow(EventErrors::notFound);
            requireManager(handle, event, callerId);
            if (!handle.attach(EventStaffDao.class).revoke(eventId, accountId)) {
                throw new ApiException(404, "staff_not_found", "this account is not door staff at this event");
            }
        });
        access.forget(eventId);
    }

    public List<EventStaffDao.StaffMember> list(UUID eventId, UUID callerId) {
        return jdbi.withHandle(handle -> {
            Event event = handle.attach(EventDao.class).find(eventId).orElseThrow(EventErrors::notFound);
            requireManager(handle, event, callerId);
            return handle.attach(EventStaffDao.class).list(eventId);
        });
    }

    private static void requireManager(org.jdbi.v3.core.Handle handle, Event event, UUID callerId) {
        if (!Events.canSee(handle, event, callerId)) {
            throw EventErrors.notFound();
        }
        Memberships.requireManager(Events.membership(handle, event.communityId(), callerId));
    }
}
