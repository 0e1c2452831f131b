package com.koomy.content;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

public class ContentDraftMapper implements RowMapper<ContentDraft> {

    @Override
    public ContentDraft map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new ContentDraft(
                rs.getObject("id", UUID.class),
                rs.getObject("community_id", UUID.class),
                ContentDraft.Kind.valueOf(rs.getString("kind")),
                ContentDraft.Language.valueOf(rs.getString("language")),
                rs.getString("brief"),
                ContentDraftStatus.valueOf(rs.getString("status")),
                rs.getString("result_text"),
                rs.getString("model"),
                rs.getObject("prompt_tokens", Integer.class),
                rs.getObject("completion_tokens", Integer.class),
                rs.getObject("total_tokens", Integer.class),
                rs.getObject("duration_ms", Integer.class),
                rs.getInt("attempts"),
                rs.getString("last_error"),
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("started_at")),
                instant(rs.getTimestamp("updated_at")),
                instant(rs.getTimestamp("finished_at")));
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
