package com.koomy.memberships;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

public class InvitationMapper implements RowMapper<Invitation> {

    @Override
    public Invitation map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Invitation(rs.getObject("id", UUID.class), rs.getObject("community_id", UUID.class),
                rs.getString("email"), rs.getString("role"), rs.getObject("invited_by", UUID.class),
                instant(rs.getTimestamp("expires_at")), instant(rs.getTimestamp("accepted_at")),
                rs.getObject("accepted_by", UUID.class), instant(rs.getTimestamp("created_at")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
