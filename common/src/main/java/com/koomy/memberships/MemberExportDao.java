package com.koomy.memberships;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.FetchSize;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.UseRowMapper;

import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.stream.Stream;

/** The member list as {@link MemberExport} writes it to CSV, streamed (one fetch of {@value MemberExport#FETCH_SIZE} rows at a time). */
public interface MemberExportDao {

    /** One member's cells: dates already as text, {@code fields} the member's field values as JSON. */
    record Row(String name, String email, String role, String status, String duesPaidUntil, String joinedAt, String fields) {
    }

    /** Ordered by name; must be read inside a transaction, and the stream closed. */
    @SqlQuery("""
            SELECT a.name, a.email, m.role, m.status, m.dues_paid_until, m.joined_at, m.fields::text AS fields
              FROM memberships m JOIN accounts a ON a.id = m.account_id
             WHERE m.community_id = :communityId
             ORDER BY lower(a.name), a.id
            """)
    @FetchSize(MemberExport.FETCH_SIZE)
    @UseRowMapper(RowMapperOfExport.class)
    Stream<Row> members(@Bind("communityId") java.util.UUID communityId);

    class RowMapperOfExport implements RowMapper<Row> {
        @Override
        public Row map(ResultSet rs, StatementContext ctx) throws SQLException {
            Date dues = rs.getDate("dues_paid_until");
            return new Row(rs.getString("name"), rs.getString("email"), rs.getString("role"), rs.getString("status"),
                    dues == null ? "" : dues.toLocalDate().toString(), rs.getTimestamp("joined_at").toInstant().toString(),
                    rs.getString("fields"));
        }
    }
}
