package com.koomy.webhooks;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;

public class StatusCountMapper implements RowMapper<StatusCount> {
    @Override
    public StatusCount map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new StatusCount(StripeEventStatus.valueOf(rs.getString("status")), rs.getLong("count"));
    }
}
