package com.koomy.communities;

import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

@RegisterRowMapper(CommunityMapper.class)
@RegisterRowMapper(MyCommunityMapper.class)
public interface CommunityDao {

    /** A community to create, its values already defaulted and stripped. */
    record NewCommunity(UUID id, String name, String slug, String description, String visibility, String joinPolicy,
                        String locale, String city) {
    }

    /** Returns false when the slug is taken (nothing written). */
    @SqlUpdate("""
            INSERT INTO communities (id, name, slug, description, visibility, join_policy, locale, city)
            VALUES (:id, :name, :slug, :description, :visibility, :joinPolicy, :locale, :city)
            ON CONFLICT (slug) DO NOTHING
            """)
    boolean insert(@BindMethods NewCommunity community);

    /** A purged community (deleted after its grace period, docs/architecture.md) is not found. */
    @SqlQuery("SELECT * FROM communities WHERE id = :id AND purged_at IS NULL")
    Optional<Community> find(@Bind("id") UUID id);

    /** Null arguments leave their column unchanged; an empty city clears it. */
    @SqlUpdate("""
            UPDATE communities
               SET name = coalesce(:name, name),
                   description = coalesce(:description, description),
                   visibility = coalesce(:visibility, visibility),
                   join_policy = coalesce(:joinPolicy, join_policy),
                   locale = coalesce(:locale, locale),
                   city = CASE WHEN CAST(:city AS text) IS NULL THEN city ELSE nullif(CAST(:city AS text), '') END,
                   updated_at = now()
             WHERE id = :id
            """)
    void update(@Bind("id") UUID id, @BindMethods Communities.CommunityChanges changes);

    @SqlQuery("SELECT count(*) FROM memberships WHERE community_id = :id AND status = 'active'")
    long activeMembers(@Bind("id") UUID id);

    /** The communities an account belongs to, in (lower(name), id) order after the cursor's key. */
    @SqlQuery("""
            SELECT c.id, c.name, c.slug, c.visibility, m.role, m.status, m.joined_at, lower(c.name) AS sort_name
              FROM memberships m JOIN communities c ON c.id = m.community_id
             WHERE m.account_id = :accountId
               AND (CAST(:afterName AS text) IS NULL OR (lower(c.name), c.id) > (CAST(:afterName AS text), CAST(:afterId AS uuid)))
             ORDER BY lower(c.name), c.id
             LIMIT :limit
            """)
    List<MyCommunity> ofAccount(@Bind("accountId") UUID accountId, @Bind("afterName") String afterName,
                                @Bind("afterId") UUID afterId, @Bind("limit") int limit);

    /** The community's name, purged or not; empty for an unknown id. */
    @SqlQuery("SELECT name FROM communities WHERE id = :id")
    Optional<String> name(@Bind("id") UUID id);

    /** Serializes an account's community creations until the transaction ends. */
    @SqlQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtextextended(CAST(:account AS text), 17))) l")
    int lockCreations(@Bind("account") UUID accountId);

    /** Communities the account created in the last 24 hours (it owns them since their creation). */
    @SqlQuery("""
            SELECT count(*) FROM memberships m JOIN communities c ON c.id = m.community_id
             WHERE m.account_id = :account AND m.role = 'owner' AND m.joined_at = c.created_at
               AND c.created_at > now() - interval '1 day'
            """)
    long createdLastDay(@Bind("account") UUID accountId);
}
