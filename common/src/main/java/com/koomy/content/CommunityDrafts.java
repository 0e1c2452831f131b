package com.koomy.content;

import com.koomy.billing.PlanLimits;
import com.koomy.communities.Communities;
import com.koomy.communities.CommunityDao;
import com.koomy.errors.ApiException;
import com.koomy.memberships.MembershipDao;
import com.koomy.memberships.Memberships;
import org.jdbi.v3.core.Jdbi;

import java.util.UUID;

/**
 * AI drafts of one kind (news posts, event descriptions) for a community's owners and admins, through
 * {@link ContentDrafts} (the worker calls the provider). A draft is only found through the community it
 * was asked for, and only if it is of this kind.
 */
public class CommunityDrafts {

    private final Jdbi jdbi;
    private final ContentDrafts drafts;
    private final ContentDraft.Kind kind;
    private final PlanLimits limits;

    /** {@code limits}: the plan's AI drafts per month (all kinds together), checked on each request; null: unlimited. */
    public CommunityDrafts(Jdbi jdbi, ContentDrafts drafts, ContentDraft.Kind kind, PlanLimits limits) {
        this.jdbi = jdbi;
        this.drafts = drafts;
        this.kind = kind;
        this.limits = java.util.Objects.requireNonNull(limits, "limits");
    }

    /**
     * Stores a queued draft and its outbox row; returns its id. {@code language} null: the community's
     * locale. Throws {@link com.koomy.errors.ApiException} (see {@link ContentDrafts#request}), with nothing written, when AI drafts are not
     * configured, over budget, or the brief or language is invalid.
     */
    public UUID request(UUID communityId, UUID callerId, String brief, String language) {
        return jdbi.inTransaction(handle -> {
            Memberships.requireManager(handle.attach(MembershipDao.class).find(communityId, callerId));
            limits.requireRoom(handle, communityId, PlanLimits.Limit.AI_DRAFTS_PER_MONTH);
            String draftLanguage = language != null ? language
                    : handle.attach(CommunityDao.class).find(communityId).orElseThrow(Communities::notFound).locale();
            return drafts.request(handle, communityId, kind.name(), brief, draftLanguage);
        });
    }

    public ContentDraft find(UUID communityId, UUID callerId, UUID draftId) {
        return jdbi.withHandle(handle -> {
            Memberships.requireManager(handle.attach(MembershipDao.class).find(communityId, callerId));
            return handle.attach(ContentDraftDao.class).find(draftId)
                    .filter(d -> d.communityId().equals(communityId) && d.kind() == kind)
                    .orElseThrow(() -> new ApiException(404, "draft_not_found",
                            "no such " + kind + " draft in this community"));
        });
    }
}
