package com.koomy.memberships;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

public class MembershipMapper implements RowMapper<Membership> {

    @Override
    public Membership map(ResultSet rs, StatementContext ctx) throws SQLException {
        Date dues = rs.getDate("dues_paid_until");
        return new Membership(rs.getObject("community_id", UUID.class), rs.getObject("account_id", UUID.class),
                rs.getString("role"), rs.getString("status"), dues == null ? null : dues.toLocalDate(),
                rs.getTimestamp("joined_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
