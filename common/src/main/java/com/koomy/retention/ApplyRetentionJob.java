package com.koomy.retention;

import com.codahale.metrics.MetricRegistry;
import com.koomy.config.RetentionFactory;
import org.jobrunr.jobs.lambdas.JobRequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * Applies one family's retention: batch after batch ({@link RetentionFactory#getBatchSize} rows, each its own
 * short transaction, a pause between two) until a batch comes back short or the run reaches
 * {@link RetentionFactory#getMaxBatchesPerRun}; the next run goes on from there. Idempotent: a second run
 * finds nothing more to do, and two runs at once skip each other's rows.
 */
public class ApplyRetentionJob implements JobRequestHandler<ApplyRetention> {

    private static final Logger LOG = LoggerFactory.getLogger(ApplyRetentionJob.class);

    private final Map<RetentionFamily, RetentionBatch> batches;
    private final RetentionFactory config;
    private final Clock clock;
    private final MetricRegistry metrics;

    public ApplyRetentionJob(Map<RetentionFamily, RetentionBatch> batches, RetentionFactory config, Clock clock,
                             MetricRegistry metrics) {
        this.batches = new EnumMap<>(batches);
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void run(ApplyRetention request) throws InterruptedException {
        apply(request.family());
    }

    /** Returns the rows deleted (or purged) by this run. */
    public long apply(RetentionFamily family) throws InterruptedException {
        RetentionBatch batch = batches.get(family);
        if (batch == null) {
            throw new IllegalStateException("no retention batch for " + family + " in this process");
        }
        Instant cutoff = clock.instant().minus(family.keep(config));
        int limit = config.getBatchSize();
        long total = 0;
        int runs = 0;
        long started = System.nanoTime();
        while (runs < config.getMaxBatchesPerRun()) {
            int done = batch.run(cutoff, limit);
            runs++;
            total += done;
            metrics.meter("koomy.retention." + family.recurringId() + ".rows").mark(done);
            if (done < limit) {
                break;
            }
            Thread.sleep(config.getPauseBetweenBatches().toMilliseconds());
        }
        LOG.info("Retention of {} (older than {}, cutoff {}): {} rows in {} batches, {} ms{}", family.description(),
                family.keep(config), cutoff, total, runs,
                (System.nanoTime() - started) / 1_000_000,
                runs >= config.getMaxBatchesPerRun() ? "; more left for the next run" : "");
        return total;
    }
}
