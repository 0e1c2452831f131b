package com.koomy.memberships;

import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@RegisterRowMapper(InvitationMapper.class)
public interface InvitationDao {

    /** Drops the address' pending invitation, if any: its link stops working. */
    @SqlUpdate("DELETE FROM invitations WHERE community_id = :communityId AND email = :email AND accepted_at IS NULL")
    int deletePending(@Bind("communityId") UUID communityId, @Bind("email") String email);

    /** An invitation to store; only the token's hash is kept. */
    record NewInvitation(byte[] tokenHash, UUID id, UUID communityId, String email, String role, UUID invitedBy,
                         Instant expiresAt) {
    }

    @SqlUpdate("""
            INSERT INTO invitations (token_hash, id, community_id, email, role, invited_by, expires_at)
            VALUES (:tokenHash, :id, :communityId, :email, :role, :invitedBy, :expiresAt)
            """)
    void insert(@BindMethods NewInvitation invitation);

    @SqlQuery("SELECT * FROM invitations WHERE id = :id")
    Optional<Invitation> find(@Bind("id") UUID id);

    /** Locks the invitation so that two accepts of one link cannot both succeed. */
    @SqlQuery("SELECT * FROM invitations WHERE token_hash = :tokenHash FOR UPDATE")
    Optional<Invitation> lockByToken(@Bind("tokenHash") byte[] tokenHash);

    @SqlUpdate("UPDATE invitations SET accepted_at = now(), accepted_by = :accountId WHERE id = :id")
    void markAccepted(@Bind("id") UUID id, @Bind("accountId") UUID accountId);

    @SqlQuery("""
            SELECT * FROM invitations
             WHERE community_id = :communityId AND accepted_at IS NULL AND expires_at > now()
             ORDER BY created_at DESC, id
             LIMIT :limit
            """)
    List<Invitation> pending(@Bind("communityId") UUID communityId, @Bind("limit") int limit);
}
