package com.koomy.load;

import java.util.Arrays;

/** An append-only list of longs, guarded by its own lock (many Gatling threads add, one reader at the end). */
final class LongList {
    private long[] values = new long[1024];
    private int size;

    synchronized void add(long v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }

    synchronized long[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
