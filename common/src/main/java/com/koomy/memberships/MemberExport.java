package com.koomy.memberships;

import com.koomy.csv.Csv;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The member list of a community as CSV, written row by row as PostgreSQL sends them: the query runs in a
 * transaction with a fetch size, so the driver reads through a cursor {@link #FETCH_SIZE} rows at a time
 * and memory stays flat whatever the member count. Holds one connection for the whole download.
 */
public class MemberExport {

    public static final int FETCH_SIZE = 1000;
    public static final String[] HEADER = {"name", "email", "role", "status", "dues_paid_until", "joined_at"};

    private final Jdbi jdbi;

    public MemberExport(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Checks before anything is streamed that the caller is an active owner or admin: 404 or 403 otherwise. */
    public void requireAllowed(UUID communityId, UUID callerId) {
        Memberships.requireManager(jdbi.withExtension(MembershipDao.class, dao -> dao.find(communityId, callerId)));
    }

    /**
     * Writes the header (the fixed columns, then one column per member field, headed by its label, in the
     * community's order) and every member; returns the number of members written. The definitions are read in
     * the export's transaction, so header and rows agree.
     */
    public long write(UUID communityId, OutputStream stream) throws IOException {
        Csv out = Csv.to(stream);
        long rows;
        try {
            rows = jdbi.inTransaction(handle -> {
                List<MemberField> fields = handle.attach(MemberFieldDao.class).list(communityId);
                List<String> header = new ArrayList<>(List.of(HEADER));
                fields.forEach(f -> header.add(f.label()));
                row(out, header);
                long n = 0;
                List<String> cells = new ArrayList<>(header.size());
                try (Stream<MemberExportDao.Row> members = handle.attach(MemberExportDao.class).members(communityId)) {
                    for (MemberExportDao.Row m : (Iterable<MemberExportDao.Row>) members::iterator) {
                        cells.clear();
                        cells.addAll(List.of(m.name(), m.email(), m.role(), m.status(), m.duesPaidUntil(), m.joinedAt()));
                        Map<String, String> values = fields.isEmpty() ? Map.of() : MemberFieldMapper.values(m.fields());
                        fields.forEach(f -> cells.add(values.getOrDefault(f.key(), "")));
                        row(out, cells);
                        n++;
                    }
                }
                return n;
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.flush();
        return rows;
    }

    private static void row(Csv out, List<String> cells) {
        try {
            out.row(cells.toArray(String[]::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
