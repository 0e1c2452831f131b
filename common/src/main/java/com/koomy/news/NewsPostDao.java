package com.koomy.news;

import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * News posts. Every statement names the community as well as the post: a post id from another
 * community finds nothing. Keyset timestamps are bound as ISO-8601 text (the cursor's text).
 */
@RegisterRowMapper(NewsPostMapper.class)
@RegisterRowMapper(NewsSummaryMapper.class)
public interface NewsPostDao {

    @SqlUpdate("""
            INSERT INTO news_posts (id, community_id, author_id, title, body)
            VALUES (:id, :communityId, :authorId, :title, :body)
            """)
    void insert(@Bind("id") UUID id, @Bind("communityId") UUID communityId, @Bind("authorId") UUID authorId,
                @Bind("title") String title, @Bind("body") String body);

    @SqlQuery("""
            SELECT p.*, a.name AS author_name
              FROM news_posts p JOIN accounts a ON a.id = p.author_id
             WHERE p.community_id = :communityId AND p.id = :id
            """)
    Optional<NewsPost> find(@Bind("communityId") UUID communityId, @Bind("id") UUID id);

    /** Null arguments leave their column unchanged. Returns false when there is no such post. */
    @SqlUpdate("""
            UPDATE news_posts SET title = coalesce(:title, title), body = coalesce(:body, body), updated_at = now()
             WHERE community_id = :communityId AND id = :id
            """)
    boolean update(@Bind("communityId") UUID communityId, @Bind("id") UUID id, @Bind("title") String title,
                   @Bind("body") String body);

    /** Publishing a published post keeps its publication time. */
    @SqlUpdate("""
            UPDATE news_posts SET status = 'published', published_at = now(), updated_at = now()
             WHERE community_id = :communityId AND id = :id AND status = 'draft'
            """)
    boolean publish(@Bind("communityId") UUID communityId, @Bind("id") UUID id);

    @SqlUpdate("""
            UPDATE news_posts SET status = 'draft', published_at = NULL, updated_at = now()
             WHERE community_id = :communityId AND id = :id AND status = 'published'
            """)
    boolean unpublish(@Bind("communityId") UUID communityId, @Bind("id") UUID id);

    @SqlUpdate("DELETE FROM news_posts WHERE community_id = :communityId AND id = :id")
    boolean delete(@Bind("communityId") UUID communityId, @Bind("id") UUID id);

    /** The feed: published posts, newest first, after the cursor's (published_at, id). */
    @SqlQuery("""
            SELECT p.id, p.title, p.status, p.author_id, a.name AS author_name, p.published_at, p.created_at, p.updated_at
              FROM news_posts p JOIN accounts a ON a.id = p.author_id
             WHERE p.community_id = :communityId AND p.status = 'published'
               AND (CAST(:afterAt AS timestamptz) IS NULL
                    OR p.published_at < CAST(:afterAt AS timestamptz)
                    OR (p.published_at = CAST(:afterAt AS timestamptz) AND p.id > CAST(:afterId AS uuid)))
             ORDER BY p.published_at DESC, p.id
             LIMIT :limit
            """)
    List<NewsSummary> published(@Bind("communityId") UUID communityId, @Bind("afterAt") String afterAt,
                                @Bind("afterId") UUID afterId, @Bind("limit") int limit);

    /** Drafts, newest created first, after the cursor's (created_at, id). */
    @SqlQuery("""
            SELECT p.id, p.title, p.status, p.author_id, a.name AS author_name, p.published_at, p.created_at, p.updated_at
              FROM news_posts p JOIN accounts a ON a.id = p.author_id
             WHERE p.community_id = :communityId AND p.status = 'draft'
               AND (CAST(:afterAt AS timestamptz) IS NULL
                    OR p.created_at < CAST(:afterAt AS timestamptz)
                    OR (p.created_at = CAST(:afterAt AS timestamptz) AND p.id > CAST(:afterId AS uuid)))
             ORDER BY p.created_at DESC, p.id
             LIMIT :limit
            """)
    List<NewsSummary> drafts(@Bind("communityId") UUID communityId, @Bind("afterAt") String afterAt,
                             @Bind("afterId") UUID afterId, @Bind("limit") int limit);
}
