package com.koomy.news;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

public class NewsPostMapper implements RowMapper<NewsPost> {

    @Override
    public NewsPost map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new NewsPost(rs.getObject("id", UUID.class), rs.getObject("community_id", UUID.class),
                rs.getObject("author_id", UUID.class), rs.getString("author_name"), rs.getString("title"),
                rs.getString("body"), rs.getString("status"), instant(rs.getTimestamp("published_at")),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }

    static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
