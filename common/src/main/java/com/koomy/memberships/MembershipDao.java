package com.koomy.memberships;

import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

@RegisterRowMapper(MembershipMapper.class)
public interface MembershipDao {

    /** Returns false when the account already has a membership here (nothing written). */
    @SqlUpdate("""
            INSERT INTO memberships (community_id, account_id, role, status)
            VALUES (:communityId, :accountId, :role, :status)
            ON CONFLICT (community_id, account_id) DO NOTHING
            """)
    boolean insert(@Bind("communityId") UUID communityId, @Bind("accountId") UUID accountId,
                   @Bind("role") String role, @Bind("status") String status);

    @SqlQuery("SELECT * FROM memberships WHERE community_id = :communityId AND account_id = :accountId")
    Optional<Membership> find(@Bind("communityId") UUID communityId, @Bind("accountId") UUID accountId);

    /**
     * The membership, its row share-locked until the transaction ends (FOR KEY SHARE: it waits for a
     * removal or role change holding the row FOR UPDATE, and makes them wait; dues updates do not).
     */
    @SqlQuery("SELECT * FROM memberships WHERE community_id = :communityId AND account_id = :accountId FOR KEY SHARE")
    Optional<Membership> lockShared(@Bind("communityId") UUID communityId, @Bind("accountId") UUID accountId);

    /**
     * Locks, in account order (so that two transactions never wait on each other), the community's
     * owner rows and the rows of the given accounts, and returns them as they are once locked. Every
     * write that could take the last owner away holds these locks: the owner count it checks cannot
     * change before it commits.
     */
    @SqlQuery("""
            SELECT * FROM memberships
             WHERE community_id = :communityId AND (role = 'owner' OR account_id IN (<accountIds>))
             ORDER BY account_id
               FOR UPDATE
            """)
    List<Membership> lockOwnersAnd(@Bind("communityId") UUID communityId,
                                   @BindList("accountIds") List<UUID> accountIds);

    @SqlUpdate("""
            UPDATE memberships SET role = coalesce(:role, role), status = coalesce(:status, status), updated_at = now()
             WHERE community_id = :communityId AND account_id = :accountId
            """)
    void update(@Bind("communityId") UUID communityId, @Bind("accountId") UUID accountId,
                @Bind("role") String role, @Bind("status") String status);

    /** The communities the account belongs to (any role, any status), in id order: the order a deletion locks them in. */
    @SqlQuery("SELECT community_id FROM memberships WHERE account_id = :accountId ORDER BY community_id")
    List<UUID> communitiesOf(@Bind("accountId") UUID accountId);

    /** The communities where the account is the only active owner (read without locks: a deletion's first answer). */
    @SqlQuery("""
            SELECT m.community_id FROM memberships m
             WHERE m.account_id = :accountId AND m.role = 'owner' AND m.status = 'active'
               AND NOT EXISTS (SELECT 1 FROM memberships o
                                WHERE o.community_id = m.community_id AND o.account_id <> m.account_id
                                  AND o.role = 'owner' AND o.status = 'active')
             ORDER BY m.community_id
            """)
    List<UUID> lastOwnerOf(@Bind("accountId") UUID accountId);

    @SqlUpdate("DELETE FROM memberships WHERE community_id = :communityId AND account_id = :accountId")
    void delete(@Bind("communityId") UUID communityId, @Bind("accountId") UUID accountId);


    /**
     * {@link #standing}'s statement. The directory's hot path ({@code Memberships.requireManagerRight}, on every
     * read) runs it as a fluent query named like the SQL object's ({@link #STANDING_NAMED}): the SQL object's call
     * cost 2.3 times the fluent one's CPU (docs/architecture.md, "Data access", exception 3).
     */
    String STANDING = """
            /* Memberships.requireManagerRight */
            SELECT CASE WHEN EXISTS (SELECT 1 FROM memberships WHERE community_id = :communityId
                                        AND account_id = :accountId AND status = 'active'
                                        AND role IN ('owner', 'admin')) THEN 'manager'
                        WHEN EXISTS (SELECT 1 FROM memberships WHERE community_id = :communityId
                                        AND account_id = :accountId AND status = 'active') THEN 'member'
                        ELSE 'none' END""";

    /** {@link #STANDING} with the name the SQL object's call carries (SqlCommentTemplateEngine). */
    String STANDING_NAMED = "/* MembershipDao.standing */ " + STANDING;

    /** 'manager' (active owner or admin), 'member' (active) or 'none', in EXISTS probes (Memberships.requireManagerRight). */
    @SqlQuery(STANDING)
    String standing(@Bind("communityId") UUID communityId, @Bind("accountId") UUID accountId);
}
