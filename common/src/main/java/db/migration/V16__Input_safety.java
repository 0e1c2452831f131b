package db.migration;

import com.koomy.email.EmailAddresses;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Issue 17, "Input that must not hurt". In Java because the addresses must be brought to the very form the
 * code compares ({@link EmailAddresses#normalize}); PostgreSQL's {@code lower()} and {@code normalize()}
 * would differ from it on some letters ({@code İ} under C.UTF-8).
 * <ul>
 *   <li>Stored addresses in their normal form: accounts, invitations, suppressions. Only rows that can differ
 *   are read (non-ASCII, or a trailing dot): ASCII lower case is already normal. Two accounts whose addresses
 *   become one (say {@code bob@x.org} and {@code ｂob@x.org}) are never merged: the one already spelled
 *   normally, else the verified one, else the oldest, gets the address; the others keep theirs (no
 *   spelling finds them any more) and are listed in {@code email_normalization_conflicts} for an operator.
 *   A pending invitation that would collide with another for the same community is dropped (inviting again
 *   replaces a pending invitation anyway); a suppression that collides strengthens the other (scope all wins).</li>
 *   <li>Stripe events whose payload jsonb refuses keep their text: {@code raw_payload}, and {@code payload}
 *   may then be null (never both).</li>
 * </ul>
 */
public class V16__Input_safety extends BaseJavaMigration {

    private static final String MAY_DIFFER = "(email ~ '[^\\x01-\\x7f]' OR email LIKE '%.')";

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        try (Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE email_normalization_conflicts (
                        account_id      uuid        PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
                        email           text        NOT NULL,
                        normal_email    text        NOT NULL,
                        kept_account_id uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                        created_at      timestamptz NOT NULL DEFAULT now()
                    )""");
            s.execute("ALTER TABLE stripe_events ADD COLUMN raw_payload text");
            s.execute("ALTER TABLE stripe_events ALTER COLUMN payload DROP NOT NULL");
            s.execute("ALTER TABLE stripe_events ADD CONSTRAINT stripe_events_payload_kept "
                    + "CHECK (payload IS NOT NULL OR raw_payload IS NOT NULL) NOT VALID");
            s.execute("ALTER TABLE stripe_events VALIDATE CONSTRAINT stripe_events_payload_kept");
        }
        accounts(c);
        invitations(c);
        suppressions(c);
    }

    private record Row(String key, String email) {
    }

    private static List<Row> candidates(Connection c, String sql) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(new Row(rs.getString(1), rs.getString(2)));
            }
        }
        return rows;
    }

    private static void accounts(Connection c) throws SQLException {
        // Verified first, then oldest: of several spellings of one address, the first one gets it.
        for (Row row : candidates(c, "SELECT id::text, email FROM accounts WHERE " + MAY_DIFFER
                + " ORDER BY email_verified_at IS NULL, created_at, id")) {
            String normal = EmailAddresses.normalize(row.email());
            if (normal.equals(row.email())) {
                continue;
            }
            UUID holder = null;
            try (PreparedStatement find = c.prepareStatement("SELECT id FROM accounts WHERE email = ?")) {
                find.setString(1, normal);
                try (ResultSet rs = find.executeQuery()) {
                    if (rs.next()) {
                        holder = rs.getObject(1, UUID.class);
                    }
                }
            }
            if (holder == null) {
                update(c, "UPDATE accounts SET email = ?, updated_at = now() WHERE id = CAST(? AS uuid)", normal, row.key());
            } else {
                try (PreparedStatement conflict = c.prepareStatement("""
                        INSERT INTO email_normalization_conflicts (account_id, email, normal_email, kept_account_id)
                        VALUES (CAST(? AS uuid), ?, ?, ?)""")) {
                    conflict.setString(1, row.key());
                    conflict.setString(2, row.email());
                    conflict.setString(3, normal);
                    conflict.setObject(4, holder);
                    conflict.executeUpdate();
                }
            }
        }
    }

    private static void invitations(Connection c) throws SQLException {
        for (Row row : candidates(c, "SELECT id::text, email FROM invitations WHERE " + MAY_DIFFER)) {
            String normal = EmailAddresses.normalize(row.email());
            if (normal.equals(row.email())) {
                continue;
            }
            try (PreparedStatement drop = c.prepareStatement("""
                    DELETE FROM invitations i
                     WHERE i.id = CAST(? AS uuid) AND i.accepted_at IS NULL
                       AND EXISTS (SELECT 1 FROM invitations o WHERE o.community_id = i.community_id
                                      AND o.email = ? AND o.accepted_at IS NULL)""")) {
                drop.setString(1, row.key());
                drop.setString(2, normal);
                if (drop.executeUpdate() > 0) {
                    continue;
                }
            }
            update(c, "UPDATE invitations SET email = ? WHERE id = CAST(? AS uuid)", normal, row.key());
        }
    }

    private static void suppressions(Connection c) throws SQLException {
        for (Row row : candidates(c, "SELECT email, email FROM email_suppressions WHERE " + MAY_DIFFER)) {
            String normal = EmailAddresses.normalize(row.email());
            if (normal.equals(row.email())) {
                continue;
            }
            boolean merged;
            try (PreparedStatement merge = c.prepareStatement("""
                    UPDATE email_suppressions n
                       SET scope = CASE WHEN o.scope = 'all' THEN 'all' ELSE n.scope END, updated_at = now()
                      FROM email_suppressions o
                     WHERE n.email = ? AND o.email = ?""")) {
                merge.setString(1, normal);
                merge.setString(2, row.email());
                merged = merge.executeUpdate() > 0;
            }
            if (merged) {
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM email_suppressions WHERE email = ?")) {
                    delete.setString(1, row.email());
                    delete.executeUpdate();
                }
            } else {
                update(c, "UPDATE email_suppressions SET email = ? WHERE email = ?", normal, row.email());
            }
        }
    }

    private static void update(Connection c, String sql, String first, String second) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, first);
            p.setString(2, second);
            p.executeUpdate();
        }
    }
}
