package com.koomy.news;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

public class NewsSummaryMapper implements RowMapper<NewsSummary> {

    @Override
    public NewsSummary map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new NewsSummary(rs.getObject("id", UUID.class), rs.getString("title"), rs.getString("status"),
                rs.getObject("author_id", UUID.class), rs.getString("author_name"),
                NewsPostMapper.instant(rs.getTimestamp("published_at")), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
