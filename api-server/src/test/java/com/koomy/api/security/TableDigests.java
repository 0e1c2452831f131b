package com.koomy.api.security;

import org.jdbi.v3.core.Jdbi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the database holds, table by table, as one digest of every row: two equal snapshots mean no
 * refused request wrote, updated or deleted anything (row counts would miss an UPDATE).
 */
final class TableDigests {

    private TableDigests() {
    }

    static List<String> tables(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT table_name FROM information_schema.tables
                         WHERE table_schema = 'koomy' AND table_type = 'BASE TABLE' AND table_name <> 'flyway_schema_history'
                         ORDER BY table_name""").mapTo(String.class).list());
    }

    /** Per table: its row count and the MD5 of all its rows in a stable order. */
    static Map<String, String> of(Jdbi jdbi) {
        return digests(jdbi, null);
    }

    /** The same, over only the rows whose text contains {@code text} (an id, a marker). */
    static Map<String, String> rowsMentioning(Jdbi jdbi, String text) {
        return digests(jdbi, text);
    }

    /** Tables with a row whose text contains {@code text}. */
    static List<String> tablesContaining(Jdbi jdbi, String text) {
        List<String> found = new ArrayList<>();
        digests(jdbi, text).forEach((table, digest) -> {
            if (!digest.startsWith("0 ")) {
                found.add(table);
            }
        });
        return found;
    }

    private static Map<String, String> digests(Jdbi jdbi, String mentioning) {
        return jdbi.withHandle(h -> {
            Map<String, String> digests = new LinkedHashMap<>();
            for (String table : tables(jdbi)) {
                // Table names come from information_schema, never from input.
                String sql = "SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM koomy."
                        + table + " t" + (mentioning == null ? "" : " WHERE strpos(t::text, :text) > 0");
                var query = h.createQuery(sql);
                if (mentioning != null) {
                    query.bind("text", mentioning);
                }
                digests.put(table, query.mapTo(String.class).one());
            }
            return digests;
        });
    }
}
