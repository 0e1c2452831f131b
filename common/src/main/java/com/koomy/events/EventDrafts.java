package com.koomy.events;

import com.koomy.communities.CommunityDao;
import com.koomy.communities.CommunityException;
import com.koomy.content.ContentDraft;
import com.koomy.content.ContentDraftDao;
import com.koomy.content.ContentDrafts;
import com.koomy.memberships.MembershipDao;
import com.koomy.memberships.Memberships;
import org.jdbi.v3.core.Jdbi;

import java.util.UUID;

/**
 * AI drafts of event descriptions, exactly as {@link com.koomy.news.NewsDrafts} does it for news
 * (kind {@code event}): owners and admins ask, the worker writes, a draft is read back only through
 * its community and only if it is an event draft.
 */
public class EventDrafts {

    private final Jdbi jdbi;
    private final ContentDrafts drafts;

    public EventDrafts(Jdbi jdbi, ContentDrafts drafts) {
        this.jdbi = jdbi;
        this.drafts = drafts;
    }

    public UUID request(UUID communityId, UUID callerId, String brief, String language) {
        return jdbi.inTransaction(handle -> {
            Memberships.requireManager(handle.attach(MembershipDao.class).find(communityId, callerId));
            String draftLanguage = language != null ? language
                    : handle.attach(CommunityDao.class).find(communityId).orElseThrow(CommunityException::notFound).locale();
            return drafts.request(handle, communityId, ContentDraft.Kind.event.name(), brief, draftLanguage);
        });
    }

    public ContentDraft find(UUID communityId, UUID callerId, UUID draftId) {
        return jdbi.withHandle(handle -> {
            Memberships.requireManager(handle.attach(MembershipDao.class).find(communityId, callerId));
            return handle.attach(ContentDraftDao.class).find(draftId)
                    .filter(d -> d.communityId().equals(communityId) && d.kind() == ContentDraft.Kind.event)
                    .orElseThrow(() -> new CommunityException(404, "draft_not_found", "no such event draft in this community"));
        });
    }
}
