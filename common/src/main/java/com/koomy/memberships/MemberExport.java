package com.koomy.memberships;

import com.koomy.csv.Csv;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.util.UUID;

/**
 * The member list of a community as CSV, written row by row as PostgreSQL sends them: the query runs in a
 * transaction with a fetch size, so the driver reads through a cursor {@link #FETCH_SIZE} rows at a time
 * and memory stays flat whatever the member count. Holds one connection for the whole download.
 */
public class MemberExport {

    public static final int FETCH_SIZE = 1000;
    public static final String[] HEADER = {"name", "email", "role", "status", "dues_paid_until", "joined_at"};

    private static final String QUERY = """
            SELECT a.name, a.email, m.role, m.status, m.dues_paid_until, m.joined_at
              FROM memberships m JOIN accounts a ON a.id = m.account_id
             WHERE m.community_id = :communityId
             ORDER BY lower(a.name), a.id
            """;

    private final Jdbi jdbi;

    public MemberExport(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Checks before anything is streamed that the caller is an active owner or admin: 404 or 403 otherwise. */
    public void requireAllowed(UUID communityId, UUID callerId) {
        Memberships.requireManager(jdbi.withExtension(MembershipDao.class, dao -> dao.find(communityId, callerId)));
    }

    /** Writes the header and every member; returns the number of members written. */
    public long write(UUID communityId, OutputStream stream) throws IOException {
        Csv out = Csv.to(stream).row(HEADER);
        long rows;
        try {
            rows = jdbi.inTransaction(handle -> handle.createQuery(QUERY)
                    .bind("communityId", communityId)
                    .setFetchSize(FETCH_SIZE)
                    .scanResultSet((supplier, ctx) -> {
                        var rs = supplier.get();
                        long n = 0;
                        while (rs.next()) {
                            Date dues = rs.getDate("dues_paid_until");
                            try {
                                out.row(rs.getString("name"), rs.getString("email"), rs.getString("role"),
                                        rs.getString("status"), dues == null ? "" : dues.toLocalDate().toString(),
                                        rs.getTimestamp("joined_at").toInstant().toString());
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                            n++;
                        }
                        return n;
                    }));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.flush();
        return rows;
    }
}
