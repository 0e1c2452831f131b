package com.koomy.memberships;

import com.koomy.db.KeysetCursor;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Filters and page of the member directory. Null status, role, dues or text: no filter on it. The text
 * matches a substring of the name or email, case-insensitively. {@code fields}: member field values to
 * match exactly (by key; checked against the community's definitions when the page is read), empty for none.
 * {@code missingRequired}: true keeps the members lacking a value for at least one required field (a field made
 * required after they joined), false those who have them all, null no filter.
 */
public record MemberQuery(String status, String role, String dues, String text, int limit, KeysetCursor after,
                          Map<String, String> fields, Boolean missingRequired) {

    /** Dues filter: paid until today or later. */
    public static final String DUES_PAID = "paid";
    /** Dues filter: never paid, or paid until a day before today. */
    public static final String DUES_OVERDUE = "overdue";

    public MemberQuery {
        fields = fields == null ? Map.of() : Map.copyOf(fields);
    }

    public MemberQuery(String status, String role, String dues, String text, int limit, KeysetCursor after) {
        this(status, role, dues, text, limit, after, Map.of(), null);
    }

    public MemberQuery withFields(Map<String, String> fields) {
        return new MemberQuery(status, role, dues, text, limit, after, fields, missingRequired);
    }

    public MemberQuery withMissingRequired(Boolean missing) {
        return new MemberQuery(status, role, dues, text, limit, after, fields, missing);
    }

    /**
     * Appends the filters that need no lookup (status, role, dues, text, missingRequired) to the directory's
     * statement on {@code memberships m JOIN accounts a}, their values to {@code values}. Only the filters asked
     * for are in the statement (see {@link Memberships#directory}); the fragments are fixed text.
     */
    void appendFilters(StringBuilder sql, Map<String, Object> values) {
        if (status != null) {
            sql.append(" AND m.status = :status");
            values.put("status", status);
        }
        if (role != null) {
            sql.append(" AND m.role = :role");
            values.put("role", role);
        }
        if (DUES_PAID.equals(dues)) {
            sql.append(" AND m.dues_paid_until >= :today");
            values.put("today", LocalDate.now(ZoneOffset.UTC));
        } else if (DUES_OVERDUE.equals(dues)) {
            sql.append(" AND (m.dues_paid_until IS NULL OR m.dues_paid_until < :today)");
            values.put("today", LocalDate.now(ZoneOffset.UTC));
        }
        if (text != null && !text.isBlank()) {
            sql.append(" AND (a.name ILIKE :pattern OR a.email ILIKE :pattern)");
            values.put("pattern", "%" + escapeLike(text.strip()) + "%");
        }
        if (missingRequired != null) {
            sql.append(missingRequired ? " AND EXISTS" : " AND NOT EXISTS");
            sql.append(" (SELECT 1 FROM member_fields f WHERE f.community_id = m.community_id AND f.required"
                    + " AND m.fields -> f.key IS NULL)");
        }
    }

    /** {@code text} as a literal ILIKE pattern part. */
    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
