package com.koomy.newsletters;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/** A row of {@link NewsletterDao#SELECT}: the newsletter and its delivery figures. */
public class NewsletterViewMapper implements RowMapper<NewsletterView> {

    @Override
    public NewsletterView map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new NewsletterView(
                rs.getObject("id", UUID.class), rs.getObject("community_id", UUID.class), rs.getString("status"),
                rs.getString("subject"), rs.getString("body"), rs.getString("locale"), rs.getString("segment"),
                rs.getObject("event_id", UUID.class), rs.getObject("news_post_id", UUID.class),
                rs.getObject("created_by", UUID.class), instant(rs.getTimestamp("send_at")),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")),
                instant(rs.getTimestamp("sent_at")), instant(rs.getTimestamp("cancelled_at")),
                new NewsletterView.Stats(rs.getInt("batches_done"), rs.getInt("batches_total"), rs.getInt("recipients_total"),
                        rs.getLong("recipients_suppressed") + rs.getLong("suppressed_at_send"), rs.getLong("bounced"),
                        rs.getLong("unsubscribed")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
