package com.koomy.api.http;

/**
 * The weight of an entry of an in-process cache of serialized answers, in bytes (Caffeine's
 * {@code maximumWeight}): the body, the strings kept with it, and a fixed allowance for the entry's
 * objects (key, value, the cache's node), so that many small entries are not taken for free.
 */
public final class LocalWeight {

    /** Object headers, references and the cache's node, per entry (an estimate, on the high side). */
    static final int ENTRY_OVERHEAD = 160;

    private LocalWeight() {
    }

    /** {@code strings}: the texts kept with the body (ETag, key fields); null ones count nothing. */
    public static int of(byte[] body, String... strings) {
        long weight = ENTRY_OVERHEAD + (long) body.length;
        for (String s : strings) {
            weight += s == null ? 0 : 2L * s.length();
        }
        return (int) Math.min(Integer.MAX_VALUE, weight);
    }
}
