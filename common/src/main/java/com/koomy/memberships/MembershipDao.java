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
@RegisterRowMapper(MemberMapper.class)
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

    @SqlUpdate("DELETE FROM memberships WHERE community_id = :communityId AND account_id = :accountId")
    void delete(@Bind("communityId") UUID communityId, @Bind("accountId") UUID accountId);

    /** The member directory of one community, in (lower(name), account id) order after the cursor's key. */
    @SqlQuery("""
            SELECT m.account_id, a.name, a.email, m.role, m.status, m.joined_at, m.dues_paid_until, m.sort_name
              FROM memberships m JOIN accounts a ON a.id = m.account_id
             WHERE m.community_id = :communityId
               AND (CAST(:status AS text) IS NULL OR m.status = :status)
               AND (CAST(:role AS text) IS NULL OR m.role = :role)
               AND (CAST(:dues AS text) IS NULL
                    OR (:dues = 'paid' AND m.dues_paid_until >= CAST(:today AS date))
                    OR (:dues = 'overdue' AND (m.dues_paid_until IS NULL OR m.dues_paid_until < CAST(:today AS date))))
               AND (CAST(:pattern AS text) IS NULL OR a.name ILIKE :pattern OR a.email ILIKE :pattern)
               AND (CAST(:afterName AS text) IS NULL
                    OR (m.sort_name, m.account_id) > (CAST(:afterName AS text), CAST(:afterId AS uuid)))
             ORDER BY m.sort_name, m.account_id
             LIMIT :limit
            """)
    List<Member> directory(@Bind("communityId") UUID communityId, @Bind("status") String status,
                           @Bind("role") String role, @Bind("dues") String dues, @Bind("today") java.time.LocalDate today,
                           @Bind("pattern") String pattern,
                           @Bind("afterName") String afterName, @Bind("afterId") UUID afterId,
                           @Bind("limit") int limit);
}
