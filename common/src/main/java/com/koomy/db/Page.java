package com.koomy.db;

import jakarta.annotation.Nullable;
import java.util.List;

/** One page of a list: the items and an opaque cursor for the next page (null on the last page). */
public record Page<T>(List<T> items, @Nullable String nextCursor) {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    /**
     * {@code rows} fetched with {@code limit + 1}: the extra row only says that a next page exists,
     * and the cursor is the sort key of the last item shown.
     */
    public static <T> Page<T> of(List<T> rows, int limit, java.util.function.Function<T, String> cursorOf) {
        if (rows.size() <= limit) {
            return new Page<>(List.copyOf(rows), null);
        }
        List<T> items = List.copyOf(rows.subList(0, limit));
        return new Page<>(items, cursorOf.apply(items.get(limit - 1)));
    }
}
