package com.koomy.retention;

import java.time.Instant;

/** One batch of a family's retention: at most {@code limit} rows older than {@code cutoff}, in one short transaction. */
@FunctionalInterface
public interface RetentionBatch {

    /** Returns the rows deleted (or purged); fewer than {@code limit} means nothing is left for now. */
    int run(Instant cutoff, int limit);
}
