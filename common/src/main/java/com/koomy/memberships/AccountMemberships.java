package com.koomy.memberships;

import com.koomy.accounts.AccountClosure;
import com.koomy.communities.Communities;
import com.koomy.errors.ApiException;
import org.jdbi.v3.core.Handle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToIntBiFunction;

/**
 * An account's deletion ends every membership it has, as leaving would ({@link Memberships#remove}): per
 * community, in id order, the owner rows and the account's row locked, the last active owner refused, then what
 * the membership gave ends ({@link MembershipEnd}: seats at members-only events, door-staff grants), the card is
 * revoked and the row deleted. Then every other seat it holds is released ({@code seats}: public events too).
 */
public final class AccountMemberships implements AccountClosure {

    private final Communities communities;
    private final MembershipEnd ended;
    private final ToIntBiFunction<Handle, UUID> seats;

    /** {@code seats}: releases the account's remaining seats in the handle's transaction and counts them. */
    public AccountMemberships(Communities communities, MembershipEnd ended, ToIntBiFunction<Handle, UUID> seats) {
        this.communities = communities;
        this.ended = ended;
        this.seats = seats;
    }

    @Override
    public Closed close(Handle handle, UUID accountId) {
        MembershipDao memberships = handle.attach(MembershipDao.class);
        List<UUID> lastOwned = memberships.lastOwnerOf(accountId);
        if (!lastOwned.isEmpty()) {
            throw lastOwner(lastOwned);
        }
        int seatsBefore = activeSeats(handle, accountId);
        List<UUID> left = new ArrayList<>();
        for (UUID communityId : memberships.communitiesOf(accountId)) {
            List<Membership> locked = memberships.lockOwnersAnd(communityId, List.of(accountId));
            Membership mine = locked.stream().filter(m -> m.accountId().equals(accountId)).findFirst().orElse(null);
            if (mine == null) {
                continue; // removed meanwhile
            }
            if (mine.isOwner() && locked.stream().filter(Membership::isOwner).count() == 1) {
                throw lastOwner(List.of(communityId)); // the other owner left between the first read and the lock
            }
            ended.membershipEnded(handle, communityId, accountId);
            MembershipCards.revoke(handle, communityId, accountId);
            memberships.delete(communityId, accountId);
            left.add(communityId);
        }
        seats.applyAsInt(handle, accountId);
        return new Closed(left, seatsBefore - activeSeats(handle, accountId));
    }

    @Override
    public void committed(Closed closed) {
        closed.communitiesLeft().forEach(communities::changed);
    }

    private static int activeSeats(Handle handle, UUID accountId) {
        return handle.attach(com.koomy.events.TicketDao.class).activeSeats(accountId);
    }

    private static ApiException lastOwner(List<UUID> communityIds) {
        return new ApiException(409, "last_owner", "this account is the last owner of " + communityIds.size()
                + " communit" + (communityIds.size() == 1 ? "y" : "ies") + ": make another member an owner (or transfer "
                + "the community) first", Map.of("communityIds", communityIds));
    }
}
