package com.koomy.accounts;

import org.jdbi.v3.core.Handle;

import java.util.List;
import java.util.UUID;

/**
 * What else ends when an account's deletion is requested, in the request's transaction: its memberships
 * (with what they gave: seats at members-only events, door-staff grants, cards) and its seats at every event
 * that could still admit, the freed seats going to the waitlist. Implemented by the memberships and events
 * features (accounts do not depend on them). Throws 409 {@code last_owner} before changing anything when the
 * account is the last active owner of a community.
 */
public interface AccountClosure {

    /** The communities the account left and the seats released. */
    record Closed(List<UUID> communitiesLeft, int seatsReleased) {
    }

    Closed close(Handle handle, UUID accountId);

    /** After the transaction committed (caches of the communities left). */
    default void committed(Closed closed) {
    }
}
