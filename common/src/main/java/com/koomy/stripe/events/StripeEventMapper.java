package com.koomy.stripe.events;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

public class StripeEventMapper implements RowMapper<StripeEvent> {

    @Override
    public StripeEvent map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new StripeEvent(
                rs.getString("event_id"),
                rs.getString("type"),
                rs.getBoolean("livemode"),
                rs.getString("account"),
                rs.getString("api_version"),
                instant(rs.getTimestamp("stripe_created")),
                rs.getString("payload"),
                instant(rs.getTimestamp("received_at")),
                StripeEventStatus.valueOf(rs.getString("status")),
                rs.getInt("attempts"),
                rs.getString("last_error"),
                instant(rs.getTimestamp("processed_at")));
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
