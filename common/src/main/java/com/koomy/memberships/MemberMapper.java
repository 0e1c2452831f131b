package com.koomy.memberships;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.UUID;

public class MemberMapper implements RowMapper<Member> {

    @Override
    public Member map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Member(rs.getObject("account_id", UUID.class), rs.getString("name"), rs.getString("email"),
                rs.getString("role"), rs.getString("status"), rs.getTimestamp("joined_at").toInstant(),
                rs.getObject("dues_paid_until", LocalDate.class), MemberFieldMapper.values(rs.getString("fields")),
                rs.getString("sort_name"));
    }
}
