package com.koomy.memberships;

import com.koomy.db.KeysetCursor;

import java.util.Map;

/**
 * Filters and page of the member directory. Null status, role, dues or text: no filter on it. The text
 * matches a substring of the name or email, case-insensitively. {@code fields}: member field values to
 * match exactly (by key; checked against the community's definitions when the page is read), empty for none.
 */
public record MemberQuery(String status, String role, String dues, String text, int limit, KeysetCursor after,
                          Map<String, String> fields) {

    /** Dues filter: paid until today or later. */
    public static final String DUES_PAID = "paid";
    /** Dues filter: never paid, or paid until a day before today. */
    public static final String DUES_OVERDUE = "overdue";

    public MemberQuery {
        fields = fields == null ? Map.of() : Map.copyOf(fields);
    }

    public MemberQuery(String status, String role, String dues, String text, int limit, KeysetCursor after) {
        this(status, role, dues, text, limit, after, Map.of());
    }
}
