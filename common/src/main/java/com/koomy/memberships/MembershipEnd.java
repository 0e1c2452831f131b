package com.koomy.memberships;

import org.jdbi.v3.core.Handle;

import java.util.UUID;

/**
 * What else ends with a membership, done in the transaction that removes it ({@link Memberships#remove}),
 * so that nothing the membership gave outlives it, even for a moment: seats at members-only events
 * ({@code Registrations}). The membership row is locked FOR UPDATE and still there when it is called.
 */
@FunctionalInterface
public interface MembershipEnd {

    void membershipEnded(Handle handle, UUID communityId, UUID accountId);
}
