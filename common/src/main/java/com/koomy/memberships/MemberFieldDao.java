package com.koomy.memberships;

import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A community's member field definitions and its members' values (memberships.fields). */
@RegisterRowMapper(MemberFieldMapper.class)
public interface MemberFieldDao {

    @SqlQuery("SELECT * FROM member_fields WHERE community_id = :communityId ORDER BY position")
    List<MemberField> list(@Bind("communityId") UUID communityId);

    /**
     * The community row locked FOR UPDATE (replacing definitions) or FOR SHARE (writing values): values are
     * always checked against definitions that cannot change before the write commits.
     */
    @SqlQuery("SELECT visibility FROM communities WHERE id = :communityId FOR UPDATE")
    Optional<String> lockForDefinitions(@Bind("communityId") UUID communityId);

    @SqlQuery("SELECT visibility FROM communities WHERE id = :communityId FOR SHARE")
    Optional<String> lockForValues(@Bind("communityId") UUID communityId);

    @SqlUpdate("DELETE FROM member_fields WHERE community_id = :communityId")
    void deleteAll(@Bind("communityId") UUID communityId);

    /** One field definition to store at {@code position}; {@code choices} as JSON text. */
    record NewField(UUID communityId, String key, int position, String label, String type, String choices,
                    boolean required, String visibility) {
    }

    @SqlUpdate("""
            INSERT INTO member_fields (community_id, key, position, label, type, choices, required, visibility)
            VALUES (:communityId, :key, :position, :label, :type, CAST(:choices AS jsonb), :required, :visibility)
            """)
    void insert(@BindMethods NewField field);

    /** How many members hold a value for the key. */
    @SqlQuery("SELECT count(*) FROM memberships WHERE community_id = :communityId AND fields ->> :key IS NOT NULL")
    long countValues(@Bind("communityId") UUID communityId, @Bind("key") String key);

    /** Deletes the values of removed keys from every membership of the community that holds one. */
    @SqlUpdate("""
            UPDATE memberships SET fields = fields - CAST(:keys AS text[])
             WHERE community_id = :communityId AND fields - CAST(:keys AS text[]) <> fields
            """)
    int deleteValues(@Bind("communityId") UUID communityId, @Bind("keys") String[] keys);

    @SqlQuery("SELECT fields::text FROM memberships WHERE community_id = :communityId AND account_id = :accountId")
    Optional<String> values(@Bind("communityId") UUID communityId, @Bind("accountId") UUID accountId);

    /** Sets the given values and removes the cleared keys, in one statement. */
    @SqlUpdate("""
            UPDATE memberships SET fields = (fields || CAST(:set AS jsonb)) - CAST(:cleared AS text[]), updated_at = now()
             WHERE community_id = :communityId AND account_id = :accountId
            """)
    void writeValues(@Bind("communityId") UUID communityId, @Bind("accountId") UUID accountId,
                     @Bind("set") String setJson, @Bind("cleared") String[] cleared);
}
