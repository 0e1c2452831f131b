package com.koomy.newsletters;

import com.koomy.newsletters.NewsletterSegment;
import com.koomy.communities.CommunityDao;
import com.koomy.errors.ApiException;
import org.jdbi.v3.core.Handle;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Reads of a community's newsletters with their delivery figures (batches done, suppressed, bounced,
 * unsubscribed), and the counts a newsletter is checked against; always within one community, so that
 * another community's newsletter is 404 whatever its id.
 */
final class NewsletterRows {

    private NewsletterRows() {
    }

    /** Newest first, at most {@code limit}; before {@code beforeCreatedAt}/{@code beforeId} when given. */
    static List<NewsletterView> page(Handle h, UUID communityId, int limit, Instant beforeCreatedAt, UUID beforeId) {
        return h.attach(NewsletterDao.class).page(communityId, limit,
                beforeCreatedAt == null ? null : Timestamp.from(beforeCreatedAt), beforeId);
    }

    /** The segment's members the snapshot would keep now: not unsubscribed from the community, not suppressed. */
    static long audience(Handle h, NewsletterView n) {
        return h.attach(NewsletterDao.class).audience(n.communityId(), n.segment(), n.eventId());
    }

    static String communityName(Handle h, UUID communityId) {
        return h.attach(CommunityDao.class).name(communityId).orElseThrow();
    }

    static NewsletterView lock(Handle h, UUID communityId, UUID id) {
        h.attach(NewsletterDao.class).lock(communityId, id).orElseThrow(NewsletterRows::notFound);
        return find(h, communityId, id);
    }

    static NewsletterView find(Handle h, UUID communityId, UUID id) {
        return h.attach(NewsletterDao.class).find(communityId, id).orElseThrow(NewsletterRows::notFound);
    }

    static ApiException notFound() {
        return new ApiException(404, "newsletter_not_found", "no such newsletter in this community");
    }
}
