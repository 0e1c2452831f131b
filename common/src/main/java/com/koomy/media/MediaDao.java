package com.koomy.media;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Media rows and their variants. Reads name the community as well as the id: another tenant's id finds nothing. */
@RegisterConstructorMapper(Media.class)
@RegisterConstructorMapper(MediaVariant.class)
public interface MediaDao {

    /** A new media row: what it illustrates, who uploaded it, the uploaded and stored formats and size. */
    record NewMedia(UUID id, UUID communityId, String targetKind, UUID targetId, UUID uploadedBy, String sourceFormat,
                    String format, int width, int height) {
    }

    @SqlUpdate("""
            INSERT INTO media (id, community_id, target_kind, target_id, uploaded_by, source_format, format, width, height)
            VALUES (:id, :communityId, :targetKind, :targetId, :uploadedBy, :sourceFormat, :format, :width, :height)
            """)
    void insert(@BindMethods NewMedia media);

    /** A second run of the variants job adds nothing. */
    @SqlUpdate("""
            INSERT INTO media_variants (media_id, variant, blob_key, width, height)
            VALUES (:mediaId, :variant, :blobKey, :width, :height)
            ON CONFLICT (media_id, variant) DO NOTHING
            """)
    void insertVariant(@Bind("mediaId") UUID mediaId, @Bind("variant") String variant, @Bind("blobKey") String blobKey,
                       @Bind("width") int width, @Bind("height") int height);

    @SqlQuery("SELECT * FROM media WHERE community_id = :communityId AND id = :id")
    Optional<Media> find(@Bind("communityId") UUID communityId, @Bind("id") UUID id);

    /** For the worker, which only has the id. */
    @SqlQuery("SELECT * FROM media WHERE id = :id")
    Optional<Media> findById(@Bind("id") UUID id);

    @SqlQuery("""
            SELECT * FROM media
             WHERE community_id = :communityId AND target_kind = :targetKind AND target_id = :targetId
               AND released_at IS NULL
             ORDER BY created_at, id
            """)
    List<Media> current(@Bind("communityId") UUID communityId, @Bind("targetKind") String targetKind,
                        @Bind("targetId") UUID targetId);

    @SqlQuery("SELECT * FROM media_variants WHERE media_id IN (<ids>) ORDER BY media_id, variant")
    List<MediaVariant> variants(@BindList("ids") List<UUID> ids);

    /** Releases every current image of a target (a replaced logo); returns how many. */
    @SqlUpdate("""
            UPDATE media SET released_at = now(), updated_at = now()
             WHERE community_id = :communityId AND target_kind = :targetKind AND target_id = :targetId
               AND released_at IS NULL
            """)
    int releaseAll(@Bind("communityId") UUID communityId, @Bind("targetKind") String targetKind,
                   @Bind("targetId") UUID targetId);

    @SqlUpdate("""
            UPDATE media SET released_at = now(), updated_at = now()
             WHERE community_id = :communityId AND target_kind = :targetKind AND target_id = :targetId
               AND id = :id AND released_at IS NULL
            """)
    boolean release(@Bind("communityId") UUID communityId, @Bind("targetKind") String targetKind,
                    @Bind("targetId") UUID targetId, @Bind("id") UUID id);

    @SqlUpdate("UPDATE media SET status = 'ready', last_error = NULL, updated_at = now() WHERE id = :id AND status <> 'ready'")
    boolean markReady(@Bind("id") UUID id);

    @SqlUpdate("UPDATE media SET status = 'failed', last_error = :error, updated_at = now() WHERE id = :id AND status = 'processing'")
    boolean markFailed(@Bind("id") UUID id, @Bind("error") String error);

    // The orphan collector.

    /** News images whose post was deleted. */
    @SqlUpdate("""
            UPDATE media m SET released_at = now(), updated_at = now()
             WHERE m.target_kind = 'news_image' AND m.released_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM news_posts p WHERE p.id = m.target_id AND p.community_id = m.community_id)
            """)
    int releaseImagesOfDeletedNews();

    /** Avatars of members who left or were removed (an expired member keeps theirs). */
    @SqlUpdate("""
            UPDATE media m SET released_at = now(), updated_at = now()
             WHERE m.target_kind = 'member_avatar' AND m.released_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM memberships s WHERE s.community_id = m.community_id AND s.account_id = m.target_id)
            """)
    int releaseAvatarsOfFormerMembers();

    /** Media released before the cutoff, with their variants (cascade): their blobs become collectable. */
    @SqlUpdate("DELETE FROM media WHERE released_at < :cutoff")
    int deleteReleasedBefore(@Bind("cutoff") Instant cutoff);

    // The target of an upload, proven to exist in the community and held for the upload's transaction, so two uploads of
    // one logo, or an upload racing the deletion of its news post, are serialised; FOR NO KEY UPDATE leaves inserts
    // referencing the row free. Empty: no such target in this community.

    @SqlQuery("SELECT id FROM communities WHERE id = :communityId AND id = :targetId FOR NO KEY UPDATE")
    Optional<UUID> lockCommunity(@Bind("communityId") UUID communityId, @Bind("targetId") UUID targetId);

    @SqlQuery("SELECT account_id FROM memberships WHERE community_id = :communityId AND account_id = :targetId"
            + " AND status = 'active' FOR NO KEY UPDATE")
    Optional<UUID> lockMember(@Bind("communityId") UUID communityId, @Bind("targetId") UUID targetId);

    @SqlQuery("SELECT id FROM news_posts WHERE community_id = :communityId AND id = :targetId FOR NO KEY UPDATE")
    Optional<UUID> lockNewsPost(@Bind("communityId") UUID communityId, @Bind("targetId") UUID targetId);

    @SqlQuery("SELECT id FROM events WHERE community_id = :communityId AND id = :targetId FOR NO KEY UPDATE")
    Optional<UUID> lockEvent(@Bind("communityId") UUID communityId, @Bind("targetId") UUID targetId);
}
