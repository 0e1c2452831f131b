package com.koomy.memberships;

import com.koomy.accounts.Account;
import com.koomy.accounts.AccountDao;
import com.koomy.billing.PlanLimits;
import com.koomy.accounts.SecretTokens;
import com.koomy.communities.Communities;
import com.koomy.communities.Community;
import com.koomy.communities.CommunityDao;
import com.koomy.email.EmailAddresses;
import com.koomy.email.EmailMessage;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailTemplate;
import com.koomy.email.Recipient;
import com.koomy.errors.ApiException;
import org.jdbi.v3.core.Jdbi;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Invitations by email: owners and admins invite an address (only owners invite admins); whoever
 * signs in with that address accepts with the emailed token and becomes an active member with the
 * invited role. The invitation and its email are written in one transaction.
 */
public class Invitations {

    public static final Duration TTL = Duration.ofDays(7);
    private static final List<String> RANK = List.of(Membership.MEMBER, Membership.ADMIN, Membership.OWNER);

    private final Jdbi jdbi;
    private final String publicUrl;
    private final Clock clock;

    /** The cached community page shows the active member count: an accepted invitation changes it. */
    private final Communities communities;

    /** The plan's member limit is checked when an invitation makes a new member. */
    private final PlanLimits limits;

    public Invitations(Jdbi jdbi, String publicUrl, Clock clock, Communities communities, PlanLimits limits) {
        this.jdbi = jdbi;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        this.clock = clock;
        this.communities = java.util.Objects.requireNonNull(communities, "communities");
        this.limits = java.util.Objects.requireNonNull(limits, "limits");
    }

    /** Invites {@code email} (replacing its pending invitation, if any) and queues the email; 409 for an active member. */
    public Invitation invite(UUID communityId, UUID callerId, String email, String role) {
        String address = EmailAddresses.normalize(email);
        String invitedRole = role == null ? Membership.MEMBER : role;
        return jdbi.inTransaction(handle -> {
            Membership caller = Memberships.requireManager(handle.attach(MembershipDao.class).find(communityId, callerId));
            if (Membership.ADMIN.equals(invitedRole) && !caller.isOwner()) {
                throw new ApiException(403, "owner_required", "only an owner can invite an admin");
            }
            Community community = handle.attach(CommunityDao.class).find(communityId).orElseThrow(Communities::notFound);
            Account inviter = handle.attach(AccountDao.class).find(callerId).orElseThrow(Communities::notFound);
            boolean member = handle.attach(AccountDao.class).findByEmail(address)
                    .flatMap(a -> handle.attach(MembershipDao.class).find(communityId, a.id()))
                    .filter(Membership::isActive).isPresent();
            if (member) {
                throw new ApiException(409, "already_member", "this address is already an active member");
            }
            InvitationDao invitations = handle.attach(InvitationDao.class);
            invitations.deletePending(communityId, address);
            String token = SecretTokens.newToken();
            byte[] hash = SecretTokens.sha256(token);
            UUID id = UUID.randomUUID();
            Instant expiresAt = clock.instant().plus(TTL);
            invitations.insert(new InvitationDao.NewInvitation(hash, id, communityId, address, invitedRole, callerId, expiresAt));
            EmailOutbox.enqueue(handle, EmailMessage.to(Recipient.of(address), EmailTemplate.INVITATION,
                    community.locale(), Map.of(
                            "inviterName", inviter.name(),
                            "communityName", community.name(),
                            "acceptUrl", publicUrl + "/invitations/accept?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8),
                            "expiresOn", expiresAt.atZone(ZoneOffset.UTC).toLocalDate().toString()),
                    communityId, "invitation:" + SecretTokens.sha256Hex(token).substring(0, 32)));
            return invitations.find(id).orElseThrow();
        });
    }

    /**
     * Accepts with the emailed token. Unknown, used or expired: 400 invalid_token. The signed-in account's
     * email must be the invited one (403 wrong_account) and verified by it (403 email_not_verified), so a
     * forwarded link does not let someone else in, even one who registered the invited address first.
     * An existing membership becomes active and keeps the higher of its role and the invited one.
     */
    public Membership accept(String token, UUID accountId) {
        Membership accepted = jdbi.inTransaction(handle -> {
            InvitationDao invitations = handle.attach(InvitationDao.class);
            Invitation invitation = invitations.lockByToken(SecretTokens.sha256(token))
                    .filter(i -> i.usableAt(clock.instant()))
                    .orElseThrow(() -> ApiException.invalidField("invalid_token", "token",
                            "is not a valid invitation link: unknown, already used or expired"));
            Account account = handle.attach(AccountDao.class).find(accountId)
                    .orElseThrow(() -> new ApiException(401, "unauthorized", "sign in first"));
            if (!account.email().equals(invitation.email())) {
                throw new ApiException(403, "wrong_account",
                        "this invitation is for another email address: sign in with the invited address");
            }
            // Registering does not prove the address: only the account that verified it may accept what was sent to it.
            if (account.emailVerifiedAt() == null) {
                throw new ApiException(403, "email_not_verified",
                        "verify your email address first (the link in the verification email), then accept the invitation");
            }
            MembershipDao memberships = handle.attach(MembershipDao.class);
            UUID communityId = invitation.communityId();
            if (memberships.find(communityId, accountId).isEmpty()) {
                limits.requireRoom(handle, communityId, PlanLimits.Limit.MEMBERS);
            }
            if (!memberships.insert(communityId, accountId, invitation.role(), Membership.ACTIVE)) {
                Membership existing = memberships.find(communityId, accountId).orElseThrow();
                String role = RANK.indexOf(existing.role()) >= RANK.indexOf(invitation.role()) ? existing.role() : invitation.role();
                memberships.update(communityId, accountId, role, Membership.ACTIVE);
            }
            invitations.markAccepted(invitation.id(), accountId);
            return memberships.find(communityId, accountId).orElseThrow();
        });
        communities.changed(accepted.communityId());
        return accepted;
    }

    /** Pending invitations, newest first, at most {@code limit}; owners and admins. */
    public List<Invitation> pending(UUID communityId, UUID callerId, int limit) {
        return jdbi.withHandle(handle -> {
            Memberships.requireManager(handle.attach(MembershipDao.class).find(communityId, callerId));
            return handle.attach(InvitationDao.class).pending(communityId, limit);
        });
    }
}
