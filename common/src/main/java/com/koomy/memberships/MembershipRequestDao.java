package com.koomy.memberships;

import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@RegisterRowMapper(MembershipRequestMapper.class)
public interface MembershipRequestDao {

    String SELECT = """
            SELECT r.id, r.community_id, r.account_id, a.name, a.email, a.locale, r.status, r.requested_at, r.decided_at,
                   r.message, m.fields::text AS fields
              FROM membership_requests r
              JOIN accounts a ON a.id = r.account_id
              LEFT JOIN memberships m ON m.community_id = r.community_id AND m.account_id = r.account_id
            """;

    @SqlUpdate("INSERT INTO membership_requests (id, community_id, account_id) VALUES (:id, :communityId, :accountId)")
    void insert(@Bind("id") UUID id, @Bind("communityId") UUID communityId, @Bind("accountId") UUID accountId);

    /** The community's request (null for another community's id: the same as an unknown one). */
    @SqlQuery(SELECT + " WHERE r.id = :id AND r.community_id = :communityId")
    Optional<MembershipRequest> find(@Bind("communityId") UUID communityId, @Bind("id") UUID id);

    /** The request row locked until the transaction ends, as it is once locked. */
    @SqlQuery(SELECT + " WHERE r.id = :id AND r.community_id = :communityId FOR UPDATE OF r")
    Optional<MembershipRequest> lock(@Bind("communityId") UUID communityId, @Bind("id") UUID id);

    /** The member's pending request, locked until the transaction ends (an approval through PATCH .../members/{id}). */
    @SqlQuery(SELECT + " WHERE r.community_id = :communityId AND r.account_id = :accountId AND r.status = 'pending' FOR UPDATE OF r")
    Optional<MembershipRequest> lockPendingOf(@Bind("communityId") UUID communityId, @Bind("accountId") UUID accountId);

    /** The first page of pending requests, oldest first. */
    @SqlQuery(SELECT + """
             WHERE r.community_id = :communityId AND r.status = 'pending'
             ORDER BY r.requested_at, r.id
             LIMIT :limit
            """)
    List<MembershipRequest> pending(@Bind("communityId") UUID communityId, @Bind("limit") int limit);

    /** The next page of pending requests, after the keyset (a separate statement: an OR would spoil the plan). */
    @SqlQuery(SELECT + """
             WHERE r.community_id = :communityId AND r.status = 'pending'
               AND (r.requested_at, r.id) > (:afterAt, :afterId)
             ORDER BY r.requested_at, r.id
             LIMIT :limit
            """)
    List<MembershipRequest> pendingAfter(@Bind("communityId") UUID communityId, @Bind("afterAt") Instant afterAt,
                                         @Bind("afterId") UUID afterId, @Bind("limit") int limit);

    @SqlUpdate("""
            UPDATE membership_requests SET status = :status, message = :message, decided_at = now(), decided_by = :decidedBy
             WHERE id = :id AND status = 'pending'
            """)
    int decide(@Bind("id") UUID id, @Bind("status") String status, @Bind("message") String message,
               @Bind("decidedBy") UUID decidedBy);
}
