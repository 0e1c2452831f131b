package com.koomy.news;

import com.koomy.communities.CommunityDao;
import com.koomy.communities.CommunityException;
import com.koomy.content.ContentDraft;
import com.koomy.content.ContentDraftDao;
import com.koomy.content.ContentDrafts;
import com.koomy.memberships.MembershipDao;
import com.koomy.memberships.Memberships;
import com.koomy.billing.PlanLimits;
import org.jdbi.v3.core.Jdbi;

import java.util.UUID;

/**
 * AI drafts of news posts for a community's owners and admins, through {@link ContentDrafts} (the
 * worker calls the provider). A draft is only found through the community it was asked for, and only
 * if it is a news draft.
 */
public class NewsDrafts {

    private final Jdbi jdbi;
    private final ContentDrafts drafts;
    private final PlanLimits limits;

    public NewsDrafts(Jdbi jdbi, ContentDrafts drafts) {
        this(jdbi, drafts, null);
    }

    /** {@code limits}: the plan's AI drafts per month, checked on each request (null: unlimited). */
    public NewsDrafts(Jdbi jdbi, ContentDrafts drafts, PlanLimits limits) {
        this.jdbi = jdbi;
        this.drafts = drafts;
        this.limits = limits;
    }

    /**
     * Stores a queued draft and its outbox row; returns its id. {@code language} null: the community's
     * locale. Throws {@link com.koomy.content.ContentDraftRefusedException}, with nothing written, when
     * AI drafts are not configured, over budget, or the brief or language is invalid.
     */
    public UUID request(UUID communityId, UUID callerId, String brief, String language) {
        return jdbi.inTransaction(handle -> {
            Memberships.requireManager(handle.attach(MembershipDao.class).find(communityId, callerId));
            if (limits != null) {
                limits.requireRoom(handle, communityId, PlanLimits.Limit.AI_DRAFTS_PER_MONTH);
            }
            String draftLanguage = language != null ? language
                    : handle.attach(CommunityDao.class).find(communityId).orElseThrow(CommunityException::notFound).locale();
            return drafts.request(handle, communityId, ContentDraft.Kind.news.name(), brief, draftLanguage);
        });
    }

    public ContentDraft find(UUID communityId, UUID callerId, UUID draftId) {
        return jdbi.withHandle(handle -> {
            Memberships.requireManager(handle.attach(MembershipDao.class).find(communityId, callerId));
            return handle.attach(ContentDraftDao.class).find(draftId)
                    .filter(d -> d.communityId().equals(communityId) && d.kind() == ContentDraft.Kind.news)
                    .orElseThrow(() -> new CommunityException(404, "draft_not_found", "no such news draft in this community"));
        });
    }
}
