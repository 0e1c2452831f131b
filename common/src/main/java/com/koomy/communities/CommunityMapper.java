package com.koomy.communities;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

public class CommunityMapper implements RowMapper<Community> {

    @Override
    public Community map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Community(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("slug"),
                rs.getString("description"), rs.getString("visibility"), rs.getString("join_policy"),
                rs.getString("locale"), rs.getString("city"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(), instant(rs, "archived_at"), instant(rs, "deletion_due_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }
}
