package com.koomy.memberships;

import com.koomy.billing.PlanLimits;
import com.koomy.communities.Communities;
import com.koomy.communities.Community;
import com.koomy.communities.CommunityDao;
import com.koomy.db.KeysetCursor;
import com.koomy.db.Page;
import com.koomy.db.ReadDatabase;
import com.koomy.errors.ApiException;
import org.jdbi.v3.core.Jdbi;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Joining, the member directory, role changes and removals. Every method is scoped by the community
 * id and checks the caller's membership in that community: no membership (or not an active one)
 * answers 404, as if the community's private data did not exist; a member without the role, 403.
 * Every committed change tells {@link Communities#changed}: the cached page shows the active member count.
 * The directory is read through {@link ReadDatabase} (the read replica when there is one); everything
 * else reads and writes the primary.
 */
public class Memberships {

    private final Jdbi jdbi;
    private final ReadDatabase reads;
    private final Communities communities;
    private final PlanLimits limits;
    private final MembershipEnd ended;

    /**
     * {@code limits}: the plan's member limit checked on join (null: unlimited); {@code ended}: what else
     * ends with a membership, in the removal's transaction (the seats at members-only events).
     */
    public Memberships(Jdbi jdbi, ReadDatabase reads, Communities communities, PlanLimits limits, MembershipEnd ended) {
        this.jdbi = jdbi;
        this.reads = reads;
        this.communities = communities;
        this.limits = java.util.Objects.requireNonNull(limits, "limits");
        this.ended = ended;
    }

    /** The caller's membership if it is an active owner's or admin's; else 404 (not an active member) or 403. */
    public static Membership requireManager(Optional<Membership> caller) {
        Membership membership = caller.filter(Membership::isActive).orElseThrow(Communities::notFound);
        if (!membership.canManage()) {
            throw notManager();
        }
        return membership;
    }

    private static ApiException notManager() {
        return new ApiException(403, "forbidden", "only the community's owners and admins may do this");
    }

    /**
     * Open communities make the caller an active member, communities by approval a pending one with a pending
     * request ({@link MembershipRequests}). A private community is 404 to non-members: it is joined by
     * invitation. {@code fields}: the member's field values, checked against the community's definitions
     * (every required one must be given; 400 otherwise) and stored with the membership.
     */
    public Membership join(UUID communityId, UUID accountId, Map<String, String> fields) {
        Membership joined = jdbi.inTransaction(handle -> {
            Community community = handle.attach(CommunityDao.class).find(communityId)
                    .orElseThrow(Communities::notFound);
            MembershipDao memberships = handle.attach(MembershipDao.class);
            Optional<Membership> existing = memberships.find(communityId, accountId);
            if (existing.isEmpty() && !community.isPublic()) {
                throw Communities.notFound();
            }
            String status = Community.OPEN.equals(community.joinPolicy()) ? Membership.ACTIVE : Membership.PENDING;
            if (existing.isEmpty()) {
                limits.requireRoom(handle, communityId, PlanLimits.Limit.MEMBERS);
            }
            Map<String, String> values = MemberFields.checkOnJoin(handle, communityId, fields);
            if (existing.isPresent() || !memberships.insert(communityId, accountId, Membership.MEMBER, status)) {
                throw new ApiException(409, "already_member", "you already have a membership in this community");
            }
            MemberFields.write(handle, communityId, accountId, values);
            if (Membership.PENDING.equals(status)) {
                MembershipRequests.open(handle, communityId, accountId);
            }
            return memberships.find(communityId, accountId).orElseThrow();
        });
        communities.changed(communityId);
        return joined;
    }

    /**
     * 404 unless {@code accountId} is an active member, 403 unless an owner or admin, as {@link #requireManager}
     * decides, in one statement of EXISTS probes: the directory's fast path asks it on every read (the whole row
     * through MembershipDao.find cost 10-45 % of a cached read).
     */
    public void requireManagerRight(UUID communityId, UUID accountId) {
        // Fluent, not the SQL object: on every directory read, the SQL object's call spent 2.3 times this one's
        // CPU in Jdbi (its per-call ConfigRegistry copies), and the directory's rate fell to about 0.7 of this
        // version's (ops/bench/reads with JFR, 2026-12-06; docs/architecture.md, "Data access", exception 3).
        String standing = jdbi.withHandle(handle -> handle.createQuery(MembershipDao.STANDING_NAMED)
                .bind("communityId", communityId).bind("accountId", accountId).mapTo(String.class).one());
        if (!standing.equals("manager")) {
            throw standing.equals("member") ? notManager() : Communities.notFound();
        }
    }

    public Page<Member> directory(UUID communityId, UUID callerId, MemberQuery query) {
        return reads.withHandle(handle -> {
            DirectoryStatement statement = DirectoryStatement.of(handle, communityId, callerId, query);
            // The caller's right to the directory is checked in the same statement (one round trip on the
            // usual path); no rows means either an empty page or no right, which the lookup below tells apart.
            List<Member> rows = handle.createQuery(statement.sql()).bindMap(statement.values()).map(new MemberMapper()).list();
            if (rows.isEmpty()) {
                requireManager(handle.attach(MembershipDao.class).find(communityId, callerId));
            }
            return Page.of(rows, query.limit(), m -> new KeysetCursor(m.sortName(), m.accountId()).encode());
        });
    }

    /**
     * Changes a member's role and/or approves a pending member ({@code status} "active", exactly as the request's
     * approve route: {@link MembershipRequests#approvePendingOf}); null leaves it. Only an owner changes an owner's
     * role or makes an owner; the last active owner keeps the role.
     */
    public Membership change(UUID communityId, UUID callerId, UUID targetId, String role, String status) {
        Membership changed = jdbi.inTransaction(handle -> {
            MembershipDao memberships = handle.attach(MembershipDao.class);
            List<Membership> locked = memberships.lockOwnersAnd(communityId, List.of(callerId, targetId));
            Membership caller = requireManager(of(locked, callerId));
            Membership target = of(locked, targetId).orElseThrow(Memberships::memberNotFound);
            String newStatus = status == null ? target.status() : status;
            if (!newStatus.equals(target.status()) && !Membership.PENDING.equals(target.status())) {
                throw new ApiException(409, "invalid_status_change", "only a pending membership can be approved");
            }
            String newRole = role == null ? target.role() : role;
            if (!newRole.equals(target.role())) {
                if (!caller.isOwner() && (Membership.OWNER.equals(target.role()) || Membership.OWNER.equals(newRole))) {
                    throw new ApiException(403, "owner_protected", "only an owner can change an owner's role or make an owner");
                }
                if (target.isOwner() && activeOwners(locked) == 1) {
                    throw lastOwner();
                }
                if (!Membership.MEMBER.equals(newRole) && !Membership.ACTIVE.equals(newStatus)) {
                    throw new ApiException(409, "not_active", "only an active member can be an owner or admin");
                }
            }
            if (!newStatus.equals(target.status())) {
                MembershipRequests.approvePendingOf(handle, communityId, targetId, callerId);
            }
            memberships.update(communityId, targetId, role, null);
            return memberships.find(communityId, targetId).orElseThrow();
        });
        communities.changed(communityId);
        return changed;
    }

    /**
     * Removes a member (owners and admins; only an owner removes an owner), or leaves when the target is
     * the caller. The last active owner can do neither. In the same transaction, what the membership gave
     * ends: the seats at members-only events ({@link MembershipEnd}) and the membership card (revoked:
     * it stops verifying online at once, and offline verifiers find it in the revocation list).
     */
    public void remove(UUID communityId, UUID callerId, UUID targetId) {
        jdbi.useTransaction(handle -> {
            MembershipDao memberships = handle.attach(MembershipDao.class);
            List<Membership> locked = memberships.lockOwnersAnd(communityId, List.of(callerId, targetId));
            Membership target;
            if (callerId.equals(targetId)) {
                target = of(locked, callerId).orElseThrow(Communities::notFound);
            } else {
                Membership caller = requireManager(of(locked, callerId));
                target = of(locked, targetId).orElseThrow(Memberships::memberNotFound);
                if (Membership.OWNER.equals(target.role()) && !caller.isOwner()) {
                    throw new ApiException(403, "owner_protected", "only an owner can remove an owner");
                }
            }
            if (target.isOwner() && activeOwners(locked) == 1) {
                throw lastOwner();
            }
            ended.membershipEnded(handle, communityId, targetId);
            MembershipCards.revoke(handle, communityId, targetId);
            memberships.delete(communityId, targetId);
        });
        communities.changed(communityId);
    }

    private static Optional<Membership> of(List<Membership> locked, UUID accountId) {
        return locked.stream().filter(m -> m.accountId().equals(accountId)).findFirst();
    }

    private static long activeOwners(List<Membership> locked) {
        return locked.stream().filter(Membership::isOwner).count();
    }

    private static ApiException memberNotFound() {
        return new ApiException(404, "member_not_found", "no such member in this community");
    }

    private static ApiException lastOwner() {
        return new ApiException(409, "last_owner", "a community keeps at least one owner: make another owner first");
    }
}
