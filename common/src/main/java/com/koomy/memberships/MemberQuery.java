package com.koomy.memberships;

import com.koomy.db.KeysetCursor;

/**
 * Filters and page of the member directory. Null status, role, dues or text: no filter on it. The text
 * matches a substring of the name or email, case-insensitively.
 */
public record MemberQuery(String status, String role, String dues, String text, int limit, KeysetCursor after) {

    /** Dues filter: paid until today or later. */
    public static final String DUES_PAID = "paid";
    /** Dues filter: never paid, or paid until a day before today. */
    public static final String DUES_OVERDUE = "overdue";
}
