package com.koomy.accounts;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

public class AccountMapper implements RowMapper<Account> {

    @Override
    public Account map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Account(rs.getObject("id", UUID.class), rs.getString("email"), rs.getString("name"),
                rs.getString("locale"), rs.getString("password_hash"), instant(rs.getTimestamp("email_verified_at")),
                rs.getBoolean("platform_operator"), instant(rs.getTimestamp("password_changed_at")),
                instant(rs.getTimestamp("created_at")));
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
