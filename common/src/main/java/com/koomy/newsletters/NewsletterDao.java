package com.koomy.newsletters;

import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A community's newsletters as its managers write and read them ({@link CommunityNewsletters}, {@link NewsletterRows}):
 * always within one community, so that another community's newsletter is not found whatever its id.
 */
@RegisterRowMapper(NewsletterViewMapper.class)
public interface NewsletterDao {

    String SELECT = """
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

    /** A new draft; {@code locale} null: the community's. */
    record NewDraft(UUID id, UUID communityId, String locale, String subject, String body, UUID callerId, String segment,
                    UUID eventId, UUID newsPostId) {
    }

    /** A draft's change: null subject, body or locale unchanged. */
    record DraftChange(UUID id, String subject, String body, String locale, String segment, UUID eventId) {
    }

    /** Newest first, at most {@code limit}; before {@code beforeAt}/{@code beforeId} when given. */
    @SqlQuery(SELECT + """
             WHERE n.community_id = :communityId
               AND (CAST(:beforeAt AS timestamptz) IS NULL
                    OR (n.created_at, n.id) < (CAST(:beforeAt AS timestamptz), CAST(:beforeId AS uuid)))
             ORDER BY n.created_at DESC, n.id DESC
             LIMIT :limit
            """)
    List<NewsletterView> page(@Bind("communityId") UUID communityId, @Bind("limit") int limit,
                              @Bind("beforeAt") Timestamp beforeAt, @Bind("beforeId") UUID beforeId);

    @SqlQuery(SELECT + " WHERE n.community_id = :communityId AND n.id = :id")
    Optional<NewsletterView> find(@Bind("communityId") UUID communityId, @Bind("id") UUID id);

    /** The newsletter's row locked (NO KEY UPDATE: Newsletters.afterBatch says why); empty for another community's. */
    @SqlQuery("SELECT id FROM newsletters WHERE id = :id AND community_id = :c FOR NO KEY UPDATE")
    Optional<UUID> lock(@Bind("c") UUID communityId, @Bind("id") UUID id);

    /** The segment's members the snapshot would keep now: not unsubscribed from the community, not suppressed. */
    @SqlQuery("""
            SELECT count(*) FROM memberships m JOIN accounts a ON a.id = m.account_id
             WHERE m.community_id = :communityId AND """ + " " + NewsletterSegment.PREDICATE + "\n" + """
               AND NOT EXISTS (SELECT 1 FROM email_suppressions s WHERE s.email = a.email)
               AND NOT EXISTS (SELECT 1 FROM newsletter_unsubscribes u
                                WHERE u.community_id = m.community_id AND u.email = a.email)
            """)
    long audience(@Bind("communityId") UUID communityId, @Bind("segment") String segment, @Bind("eventId") UUID eventId);

    @SqlUpdate("""
            INSERT INTO newsletters (id, community_id, community_name, idempotency_key, locale, subject, body,
                                     status, created_by, segment, event_id, news_post_id)
            VALUES (:id, :communityId, (SELECT name FROM communities WHERE id = :communityId),
                    'newsletter:' || :id, coalesce(:locale, (SELECT locale FROM communities WHERE id = :communityId)),
                    :subject, :body, 'draft', :callerId, :segment, CAST(:eventId AS uuid), CAST(:newsPostId AS uuid))
            """)
    void insertDraft(@BindMethods NewDraft draft);

    @SqlUpdate("""
            UPDATE newsletters SET subject = coalesce(:subject, subject), body = coalesce(:body, body),
                   locale = coalesce(:locale, locale), segment = :segment, event_id = CAST(:eventId AS uuid),
                   updated_at = now()
             WHERE id = :id
            """)
    void updateDraft(@BindMethods DraftChange change);

    /** Queued now ({@code sendAt} null) or scheduled; the community's name as it is when it is sent. */
    @SqlUpdate("""
            UPDATE newsletters SET status = :status, send_at = CAST(:sendAt AS timestamptz), queued_at = now(), snapshot_done = false,
                   community_name = (SELECT name FROM communities WHERE id = :communityId), updated_at = now()
             WHERE id = :id
            """)
    void queue(@Bind("communityId") UUID communityId, @Bind("id") UUID id, @Bind("status") String status,
               @Bind("sendAt") Timestamp sendAt);

    @SqlUpdate("UPDATE newsletters SET status = 'cancelled', cancelled_at = now(), updated_at = now() WHERE id = :id")
    void cancel(@Bind("id") UUID id);
}
