package com.koomy.memberships;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.UUID;

public class MembershipRequestMapper implements RowMapper<MembershipRequest> {

    @Override
    public MembershipRequest map(ResultSet rs, StatementContext ctx) throws SQLException {
        Timestamp decided = rs.getTimestamp("decided_at");
        return new MembershipRequest(rs.getObject("id", UUID.class), rs.getObject("community_id", UUID.class),
                rs.getObject("account_id", UUID.class), rs.getString("name"), rs.getString("email"), rs.getString("status"),
                rs.getTimestamp("requested_at").toInstant(), decided == null ? null : decided.toInstant(),
                rs.getString("message"), MemberFieldMapper.values(rs.getString("fields")), rs.getString("locale"));
    }
}
