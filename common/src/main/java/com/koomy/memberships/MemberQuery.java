package com.koomy.memberships;

import com.koomy.db.KeysetCursor;

/**
 * Filters and page of the member directory. Null status, role or text: no filter on it. The text
 * matches a substring of the name or email, case-insensitively.
 */
public record MemberQuery(String status, String role, String text, int limit, KeysetCursor after) {
}
