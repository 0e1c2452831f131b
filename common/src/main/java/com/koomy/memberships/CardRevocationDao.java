package com.koomy.memberships;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Revoked membership cards (V15): the accounts whose cards signed before {@code revokedAt} no longer count. */
@RegisterConstructorMapper(CardRevocationDao.Revoked.class)
public interface CardRevocationDao {

    record Revoked(UUID accountId, Instant revokedAt) {
    }

    /** Listed until every card signed before now has expired ({@code ttlSeconds}, a card's longest life). */
    @SqlUpdate("""
            INSERT INTO card_revocations (community_id, account_id, revoked_at, listed_until)
            VALUES (:communityId, :accountId, now(), now() + make_interval(secs => :ttlSeconds))
            ON CONFLICT (community_id, account_id)
            DO UPDATE SET revoked_at = excluded.revoked_at, listed_until = excluded.listed_until
            """)
    void revoke(@Bind("communityId") UUID communityId, @Bind("accountId") UUID accountId, @Bind("ttlSeconds") long ttlSeconds);

    /** Rows whose cards have all expired: nothing left to revoke. */
    @SqlUpdate("DELETE FROM card_revocations WHERE community_id = :communityId AND listed_until < now()")
    int forgetExpired(@Bind("communityId") UUID communityId);

    /** The community's revocations still needed: not past {@code listed_until}, the account not an active member again. */
    @SqlQuery("""
            SELECT r.account_id, r.revoked_at FROM card_revocations r
             WHERE r.community_id = :communityId AND r.listed_until > now()
               AND NOT EXISTS (SELECT 1 FROM memberships m
                                WHERE m.community_id = r.community_id AND m.account_id = r.account_id AND m.status = 'active')
             ORDER BY r.account_id
            """)
    List<Revoked> listed(@Bind("communityId") UUID communityId);
}
