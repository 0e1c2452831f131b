package com.koomy.api.http;

import com.koomy.db.KeysetCursor;
import com.koomy.db.Page;
import com.koomy.errors.ApiException;

/** The query parameters every list takes: {@code limit} (default 20, 1 to 100) and an opaque {@code cursor}. */
public final class ListParams {

    private ListParams() {
    }

    /** A String, not an Integer: Jersey answers 404 to a query parameter it cannot convert. */
    public static int limit(String limit) {
        if (limit == null || limit.isEmpty()) {
            return Page.DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit);
            if (value >= 1 && value <= Page.MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalidField("invalid_limit", "limit", "must be a whole number between 1 and " + Page.MAX_LIMIT);
    }

    public static KeysetCursor cursor(String cursor) {
        try {
            return KeysetCursor.decode(cursor);
        } catch (IllegalArgumentException e) {
            throw KeysetCursor.invalid();
        }
    }
}
