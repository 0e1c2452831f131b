package com.koomy.email;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

public class EmailMapper implements RowMapper<Email> {

    @Override
    public Email map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Email(
                rs.getObject("id", UUID.class),
                rs.getString("idempotency_key"),
                rs.getObject("community_id", UUID.class),
                rs.getString("template"),
                rs.getString("locale"),
                EmailJson.recipients(rs.getString("recipients")),
                EmailJson.variables(rs.getString("variables")),
                rs.getBoolean("bulk"),
                rs.getObject("newsletter_id", UUID.class),
                rs.getObject("batch_no", Integer.class),
                rs.getBoolean("held"),
                EmailStatus.valueOf(rs.getString("status")),
                rs.getString("provider"),
                rs.getString("provider_message_id"),
                rs.getInt("attempts"),
                rs.getInt("failures"),
                instant(rs.getTimestamp("retry_at")),
                rs.getString("last_error"),
                instant(rs.getTimestamp("lease_until")),
                rs.getString("subject"),
                rs.getString("html_body"),
                rs.getString("text_body"),
                EmailJson.recipients(rs.getString("suppressed")),
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")),
                instant(rs.getTimestamp("sent_at")),
                instant(rs.getTimestamp("held_at")));
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
