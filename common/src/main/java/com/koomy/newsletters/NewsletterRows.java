package com.koomy.newsletters;

import com.koomy.newsletters.NewsletterSegment;
import com.koomy.errors.ApiException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

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
        return h.createQuery(SELECT + """
                         WHERE n.community_id = :communityId
                           AND (CAST(:beforeAt AS timestamptz) IS NULL
                                OR (n.created_at, n.id) < (CAST(:beforeAt AS timestamptz), CAST(:beforeId AS uuid)))
                         ORDER BY n.created_at DESC, n.id DESC
                         LIMIT :limit
                        """)
                .bind("communityId", communityId)
                .bind("beforeAt", beforeCreatedAt == null ? null : Timestamp.from(beforeCreatedAt))
                .bind("beforeId", beforeId)
                .bind("limit", limit)
                .map(MAPPER).list();
    }

    /** The segment's members the snapshot would keep now: not unsubscribed from the community, not suppressed. */
    static long audience(Handle h, NewsletterView n) {
        return h.createQuery("""
                        SELECT count(*) FROM memberships m JOIN accounts a ON a.id = m.account_id
                         WHERE m.community_id = :communityId AND %s
                           AND NOT EXISTS (SELECT 1 FROM email_suppressions s WHERE s.email = a.email)
                           AND NOT EXISTS (SELECT 1 FROM newsletter_unsubscribes u
                                            WHERE u.community_id = m.community_id AND u.email = a.email)
                        """.formatted(NewsletterSegment.PREDICATE))
                .bind("communityId", n.communityId()).bind("segment", n.segment()).bind("eventId", n.eventId())
                .mapTo(Long.class).one();
    }

    static String communityName(Handle h, UUID communityId) {
        return h.createQuery("SELECT name FROM communities WHERE id = :id").bind("id", communityId).mapTo(String.class).one();
    }

    static NewsletterView lock(Handle h, UUID communityId, UUID id) {
        h.createQuery("SELECT id FROM newsletters WHERE id = :id AND community_id = :c FOR NO KEY UPDATE")
                .bind("id", id).bind("c", communityId).mapTo(UUID.class).findOne()
                .orElseThrow(NewsletterRows::notFound);
        return find(h, communityId, id);
    }

    static NewsletterView find(Handle h, UUID communityId, UUID id) {
        return h.createQuery(SELECT + " WHERE n.community_id = :communityId AND n.id = :id")
                .bind("communityId", communityId).bind("id", id)
                .map(MAPPER).findOne().orElseThrow(NewsletterRows::notFound);
    }

    static ApiException notFound() {
        return new ApiException(404, "newsletter_not_found", "no such newsletter in this community");
    }

    private static final String SELECT = """
            SELECT n.*,
                   (SELECT count(*) FROM emails e WHERE e.newsletter_id = n.id
                       AND e.status IN ('sent', 'failed', 'suppressed')) AS batches_done,
                   (SELECT coalesce(sum(jsonb_array_length(e.suppressed)), 0) FROM emails e
                     WHERE e.newsletter_id = n.id AND jsonb_typeof(e.suppressed) = 'array') AS suppressed_at_send,
                   (SELECT count(*) FILTER (WHERE g.event IN ('bounce', 'dropped')) FROM sendgrid_events g
                     WHERE g.koomy_key LIKE 'newsletter:' || n.id || ':%')
                   -- events older than the retention period live on as counters (V29)
                   + (SELECT coalesce(sum(c.events), 0) FROM sendgrid_event_counts c
                       WHERE c.koomy_key LIKE 'newsletter:' || n.id || ':%' AND c.event IN ('bounce', 'dropped')) AS bounced,
                   (SELECT count(*) FROM newsletter_unsubscribes u WHERE u.newsletter_id = n.id)
                   + (SELECT count(*) FROM sendgrid_events g WHERE g.koomy_key LIKE 'newsletter:' || n.id || ':%'
                       AND g.event IN ('unsubscribe', 'group_unsubscribe'))
                   + (SELECT coalesce(sum(c.events), 0) FROM sendgrid_event_counts c
                       WHERE c.koomy_key LIKE 'newsletter:' || n.id || ':%'
                         AND c.event IN ('unsubscribe', 'group_unsubscribe')) AS unsubscribed
              FROM newsletters n
            """;

    private static final RowMapper<NewsletterView> MAPPER = (rs, ctx) -> new NewsletterView(
            rs.getObject("id", UUID.class), rs.getObject("community_id", UUID.class), rs.getString("status"),
            rs.getString("subject"), rs.getString("body"), rs.getString("locale"), rs.getString("segment"),
            rs.getObject("event_id", UUID.class), rs.getObject("news_post_id", UUID.class),
            rs.getObject("created_by", UUID.class), instant(rs.getTimestamp("send_at")),
            instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")),
            instant(rs.getTimestamp("sent_at")), instant(rs.getTimestamp("cancelled_at")),
            new NewsletterView.Stats(rs.getInt("batches_done"), rs.getInt("batches_total"), rs.getInt("recipients_total"),
                    rs.getLong("recipients_suppressed") + rs.getLong("suppressed_at_send"), rs.getLong("bounced"),
                    rs.getLong("unsubscribed")));

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
