package com.koomy.communities;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

public class MyCommunityMapper implements RowMapper<MyCommunity> {

    @Override
    public MyCommunity map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new MyCommunity(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("slug"),
                rs.getString("visibility"), rs.getString("role"), rs.getString("status"),
                rs.getTimestamp("joined_at").toInstant(), rs.getString("sort_name"));
    }
}
