package com.koomy.memberships;

import com.koomy.communities.Communities;
import com.koomy.communities.Community;
import com.koomy.communities.CommunityDao;
import com.koomy.db.KeysetCursor;
import com.koomy.db.Page;
import com.koomy.email.EmailMessage;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailTemplate;
import com.koomy.email.Recipient;
import com.koomy.errors.ApiException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Requests to join a community that approves its members (issue 21): a pending membership has one pending
 * request, opened by {@link Memberships#join}. Owners and admins list them, approve (the membership becomes
 * active) or refuse (the pending membership is deleted, so the person may ask again later), with an optional
 * message; the member is emailed either way, in the decision's transaction. A decided request stays as it
 * was decided: deciding it again is 409. Another community's request id is 404, like an unknown one.
 */
public class MembershipRequests {

    public static final int MAX_MESSAGE = 1000;

    private final Jdbi jdbi;
    private final Communities communities;

    public MembershipRequests(Jdbi jdbi, Communities communities) {
        this.jdbi = jdbi;
        this.communities = communities;
    }

    /** Opens the pending request of a pending membership just inserted, in the join's transaction. */
    static void open(Handle handle, UUID communityId, UUID accountId) {
        handle.attach(MembershipRequestDao.class).insert(UUID.randomUUID(), communityId, accountId);
    }

    /** Pending requests, oldest first; owners and admins (404 not an active member, 403 other members). */
    public Page<MembershipRequest> pending(UUID communityId, UUID callerId, int limit, KeysetCursor after) {
        return jdbi.withHandle(handle -> {
            Memberships.requireManager(handle.attach(MembershipDao.class).find(communityId, callerId));
            MembershipRequestDao dao = handle.attach(MembershipRequestDao.class);
            List<MembershipRequest> rows = after == null ? dao.pending(communityId, limit + 1)
                    : dao.pendingAfter(communityId, afterAt(after), after.id(), limit + 1);
            return Page.of(rows, limit, r -> new KeysetCursor(r.requestedAt().toString(), r.id()).encode());
        });
    }

    public MembershipRequest approve(UUID communityId, UUID callerId, UUID requestId, String message) {
        return decide(communityId, callerId, requestId, MembershipRequest.APPROVED, message);
    }

    public MembershipRequest refuse(UUID communityId, UUID callerId, UUID requestId, String message) {
        return decide(communityId, callerId, requestId, MembershipRequest.REFUSED, message);
    }

    /**
     * Locks the caller's and the member's membership rows first (the order every membership write uses), then
     * the request; checks the caller's right and that the request is still pending; records the decision, makes
     * the membership active or deletes it, and queues the member's email. The trigger of V27 that closes the
     * request of a membership that stops being pending then finds nothing pending.
     */
    private MembershipRequest decide(UUID communityId, UUID callerId, UUID requestId, String decision, String message) {
        String text = message == null || message.isBlank() ? null : message.strip();
        if (text != null && text.length() > MAX_MESSAGE) {
            throw ApiException.invalidField("message", "must have at most " + MAX_MESSAGE + " characters");
        }
        MembershipRequest decided = jdbi.inTransaction(handle -> {
            MembershipDao memberships = handle.attach(MembershipDao.class);
            MembershipRequestDao requests = handle.attach(MembershipRequestDao.class);
            Memberships.requireManager(memberships.find(communityId, callerId));
            MembershipRequest seen = requests.find(communityId, requestId).orElseThrow(MembershipRequests::notFound);
            List<Membership> locked = memberships.lockOwnersAnd(communityId, List.of(callerId, seen.accountId()));
            Memberships.requireManager(locked.stream().filter(m -> m.accountId().equals(callerId)).findFirst());
            MembershipRequest request = requests.lock(communityId, requestId).orElseThrow(MembershipRequests::notFound);
            if (!MembershipRequest.PENDING.equals(request.status())) {
                throw new ApiException(409, "request_already_decided", "this request is already " + request.status(),
                        Map.of("status", request.status()));
            }
            settle(handle, request, decision, text, callerId);
            return requests.find(communityId, requestId).orElseThrow();
        });
        communities.changed(communityId);
        return decided;
    }

    /**
     * Approves the pending membership of {@code accountId} as the approve route does (the request approved, the
     * membership active, the member emailed): the one way a pending member becomes active, also when an admin
     * does it through {@code PATCH .../members/{accountId}} ({@link Memberships#change}, whose transaction has
     * locked both membership rows already). A pending membership without its request gets one first.
     */
    static void approvePendingOf(Handle handle, UUID communityId, UUID accountId, UUID callerId) {
        MembershipRequestDao requests = handle.attach(MembershipRequestDao.class);
        MembershipRequest request = requests.lockPendingOf(communityId, accountId).orElseGet(() -> {
            open(handle, communityId, accountId);
            return requests.lockPendingOf(communityId, accountId).orElseThrow();
        });
        settle(handle, request, MembershipRequest.APPROVED, null, callerId);
    }

    /** Records the decision of a locked pending request, makes the membership active or deletes it, queues the email. */
    private static void settle(Handle handle, MembershipRequest request, String decision, String text, UUID callerId) {
        handle.attach(MembershipRequestDao.class).decide(request.id(), decision, text, callerId);
        MembershipDao memberships = handle.attach(MembershipDao.class);
        if (MembershipRequest.APPROVED.equals(decision)) {
            memberships.update(request.communityId(), request.accountId(), null, Membership.ACTIVE);
        } else {
            memberships.delete(request.communityId(), request.accountId());
        }
        email(handle, request, decision, text);
    }

    private static void email(Handle handle, MembershipRequest request, String decision, String message) {
        Community community = handle.attach(CommunityDao.class).find(request.communityId()).orElseThrow(Communities::notFound);
        Map<String, Object> variables = new HashMap<>();
        variables.put("recipientName", request.name());
        variables.put("communityName", community.name());
        if (message != null) {
            variables.put("message", message);
        }
        EmailTemplate template = MembershipRequest.APPROVED.equals(decision) ? EmailTemplate.MEMBERSHIP_APPROVED
                : EmailTemplate.MEMBERSHIP_REFUSED;
        EmailOutbox.enqueue(handle, EmailMessage.to(new Recipient(request.email(), request.name()), template,
                request.locale(), variables, request.communityId(), "membership-request:" + request.id() + ":" + decision));
    }

    private static Instant afterAt(KeysetCursor after) {
        try {
            return Instant.parse(after.text());
        } catch (DateTimeParseException e) {
            throw KeysetCursor.invalid();
        }
    }

    private static ApiException notFound() {
        return new ApiException(404, "request_not_found", "no such membership request in this community");
    }
}
