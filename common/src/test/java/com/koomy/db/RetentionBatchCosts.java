package com.koomy.db;

import com.koomy.retention.RetentionBatch;
import com.koomy.retention.RetentionFamily;
import com.koomy.retention.SqlRetention;
import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** One retention batch of 5,000 rows per family on {@link MigrationLocksTest}'s seeded tables: what it did and how long it took. */
final class RetentionBatchCosts {

    private RetentionBatchCosts() {
    }

    static Map<RetentionFamily, String> oneBatchEach(Jdbi jdbi) {
        Map<RetentionFamily, RetentionBatch> batches = SqlRetention.batches(jdbi);
        Map<RetentionFamily, String> timings = new LinkedHashMap<>();
        // sendgrid_events is partitioned by month (V36): its first batch drops the whole months before the cutoff
        // (every seeded row of them) and deletes 5,000 rows of the month the cutoff falls in.
        Instant cutoff = Instant.now();
        long wholeMonths = jdbi.withHandle(h -> h.createQuery(
                "SELECT count(*) FROM sendgrid_events WHERE received_at < date_trunc('month', CAST(:cutoff AS timestamptz), 'UTC')")
                .bind("cutoff", cutoff).mapTo(Long.class).one());
        long thisMonth = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM sendgrid_events WHERE received_at < :cutoff")
                .bind("cutoff", cutoff).mapTo(Long.class).one()) - wholeMonths;
        for (RetentionFamily family : batches.keySet()) {
            long t = System.nanoTime();
            int done = batches.get(family).run(cutoff, 5_000);
            timings.put(family, done + " rows in " + (System.nanoTime() - t) / 1_000_000 + " ms");
            assertThat(done).as(family.name()).isEqualTo(family == RetentionFamily.SENDGRID_EVENTS
                    ? (int) (wholeMonths + Math.min(5_000, thisMonth)) : 5_000);
        }
        return timings;
    }
}
