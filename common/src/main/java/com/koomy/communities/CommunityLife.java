package com.koomy.communities;

import com.koomy.accounts.Account;
import com.koomy.accounts.AccountDao;
import com.koomy.email.EmailMessage;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailTemplate;
import com.koomy.email.Recipient;
import com.koomy.errors.ApiException;
import com.koomy.jobs.OutboxDao;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A community's life (issue 21): an owner hands it over, archives it (read-only: the database refuses new
 * dues, events, seats, news, newsletters and members, see V28), brings it back, or asks for its deletion,
 * which the worker carries out after {@code deletionGrace} ({@link PurgeCommunity}). Each is one transaction
 * on the community's locked row; the cached page is invalidated after the commit.
 */
public class CommunityLife {

    /** Outbox kind: make the plan's renewal follow the archive (ref: {@code <communityId>:<change id>}; {@link SyncArchivedPlan}). */
    public static final String PLAN_SYNC_KIND = "community-plan-sync";
    /** Outbox kind: expire the dues Checkout sessions still open at the archive (ref: {@code <communityId>:<change id>}; {@link ExpireArchivedCheckouts}). */
    public static final String CHECKOUTS_EXPIRE_KIND = "community-checkouts-expire";

    private final Jdbi jdbi;
    private final Communities communities;
    private final Duration deletionGrace;

    public CommunityLife(Jdbi jdbi, Communities communities, Duration deletionGrace) {
        this.jdbi = jdbi;
        this.communities = communities;
        this.deletionGrace = deletionGrace;
    }

    /** 409 community_archived: the one answer to a write into an archived community. */
    public static ApiException archived() {
        return new ApiException(409, "community_archived", "this community is archived: it is read-only until an owner unarchives it");
    }

    /** The caller's membership if it is an active owner's; else 404 (not an active member) or 403. */
    public static Membership requireOwner(Optional<Membership> caller) {
        Membership membership = caller.filter(Membership::isActive).orElseThrow(Communities::notFound);
        if (!membership.isOwner()) {
            throw new ApiException(403, "forbidden", "only the community's owners may do this");
        }
        return membership;
    }

    /**
     * Makes {@code toId}, an active member, an owner; the caller becomes an admin unless {@code keepOwnership}
     * (co-owners). Both are emailed in their own language. 422 not_a_member (no membership here), 409
     * not_active (pending or expired), already_owner, or 422 invalid_target (the caller).
     */
    public void transfer(UUID communityId, UUID callerId, UUID toId, boolean keepOwnership) {
        jdbi.useTransaction(handle -> {
            MembershipDao memberships = handle.attach(MembershipDao.class);
            List<Membership> locked = memberships.lockOwnersAnd(communityId, List.of(callerId, toId));
            requireOwner(locked.stream().filter(m -> m.accountId().equals(callerId)).findFirst());
            if (callerId.equals(toId)) {
                throw ApiException.invalidField(422, "invalid_target", "toUserId", "must be another member: you cannot transfer a community to yourself");
            }
            Membership target = locked.stream().filter(m -> m.accountId().equals(toId)).findFirst()
                    .orElseThrow(() -> new ApiException(422, "not_a_member", "toUserId: not a member of this community"));
            if (!target.isActive()) {
                throw new ApiException(409, "not_active", "toUserId: only an active member can become an owner");
            }
            if (Membership.OWNER.equals(target.role())) {
                throw new ApiException(409, "already_owner", "toUserId: already an owner of this community");
            }
            memberships.update(communityId, toId, Membership.OWNER, null);
            if (!keepOwnership) {
                memberships.update(communityId, callerId, Membership.ADMIN, null);
            }
            Community community = handle.attach(CommunityDao.class).find(communityId).orElseThrow(Communities::notFound);
            AccountDao accounts = handle.attach(AccountDao.class);
            Account from = accounts.find(callerId).orElseThrow();
            Account to = accounts.find(toId).orElseThrow();
            String key = "ownership-transfer:" + communityId + ":" + UUID.randomUUID();
            Map<String, Object> common = Map.of("communityName", community.name(), "fromName", from.name(),
                    "toName", to.name(), "keptOwnership", keepOwnership);
            mail(handle, to, true, common, communityId, key + ":to");
            mail(handle, from, false, common, communityId, key + ":from");
        });
        communities.changed(communityId);
    }

    private static void mail(Handle handle, Account account, boolean received, Map<String, Object> common,
                             UUID communityId, String key) {
        Map<String, Object> variables = new java.util.HashMap<>(common);
        variables.put("received", received);
        EmailOutbox.enqueue(handle, EmailMessage.to(new Recipient(account.email(), account.name()),
                EmailTemplate.OWNERSHIP_TRANSFERRED, account.locale(), variables, communityId, key));
    }

    /**
     * Owners: read-only from now on; 409 already_archived. A plan stops renewing ({@link SyncArchivedPlan}); the
     * dues Checkout sessions still open are expired at Stripe ({@link ExpireArchivedCheckouts}).
     */
    public Community archive(UUID communityId, UUID callerId) {
        return change(communityId, callerId, (dao, community) -> {
            if (community.isArchived()) {
                throw new ApiException(409, "already_archived", "this community is already archived");
            }
            dao.archive(communityId);
        });
    }

    /** Owners: writable again, and a scheduled deletion cancelled; 409 not_archived. */
    public Community unarchive(UUID communityId, UUID callerId) {
        return change(communityId, callerId, (dao, community) -> {
            if (!community.isArchived()) {
                throw notArchived();
            }
            dao.unarchive(communityId);
        });
    }

    /**
     * Owners of an archived community (409 not_archived otherwise): deleted when the grace period has passed,
     * unless unarchived meanwhile. Asking again keeps the first due date.
     */
    public Community scheduleDeletion(UUID communityId, UUID callerId) {
        return change(communityId, callerId, (dao, community) -> {
            if (!community.isArchived()) {
                throw notArchived();
            }
            if (community.deletionDueAt() == null) {
                dao.scheduleDeletion(communityId, Instant.now().plus(deletionGrace));
            }
        });
    }

    private interface Change {
        void apply(CommunityLifeDao dao, Community community);
    }

    private Community change(UUID communityId, UUID callerId, Change change) {
        Community changed = jdbi.inTransaction(handle -> {
            CommunityLifeDao dao = handle.attach(CommunityLifeDao.class);
            requireOwner(handle.attach(MembershipDao.class).find(communityId, callerId));
            Community community = dao.lock(communityId).orElseThrow(Communities::notFound);
            change.apply(dao, community);
            if (dao.hasSubscription(communityId)) {
                // A ref of its own per change: job ids derive from kind and ref (JobIds), and a later change must run again.
                handle.attach(OutboxDao.class).add(PLAN_SYNC_KIND, communityId + ":" + UUID.randomUUID());
            }
            Community after = dao.lock(communityId).orElseThrow();
            if (!community.isArchived() && after.isArchived()) {
                handle.attach(OutboxDao.class).add(CHECKOUTS_EXPIRE_KIND, communityId + ":" + UUID.randomUUID());
            }
            return after;
        });
        communities.listingChanged(communityId);
        return changed;
    }

    private static ApiException notArchived() {
        return new ApiException(409, "not_archived", "archive the community first");
    }
}
