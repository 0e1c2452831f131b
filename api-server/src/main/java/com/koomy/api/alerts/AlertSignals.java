package com.koomy.api.alerts;

import com.koomy.api.alerts.AlertSignal.Reading;
import com.koomy.api.stats.OpsSnapshot;
import com.koomy.api.stats.PoolStats;
import com.koomy.api.stats.RequestSummary;

import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The alerts of the operators' view (issue 7), with their thresholds from {@link AlertsFactory}. */
public final class AlertSignals {

    private AlertSignals() {
    }

    public static List<AlertSignal> all(AlertsFactory config, PoolStats pools, MemoryMXBean memory) {
        long meanOver = config.getMeanLatencyOver().toMilliseconds();
        long p95Over = config.getP95LatencyOver().toMilliseconds();
        long oldestOver = config.getOldestQueuedJobOver().toSeconds();
        return List.of(
                new AlertSignal("latency-mean", "mean > " + meanOver + " ms",
                        requests(config, r -> r.meanMs() == null ? null
                                : new Reading(r.meanMs(), r.meanMs() > meanOver, "mean latency " + r.meanMs() + " ms"))),
                new AlertSignal("latency-p95", "p95 > " + p95Over + " ms",
                        requests(config, r -> r.p95Ms() == null ? null
                                : new Reading(r.p95Ms(), r.p95Ms() > p95Over, "p95 latency " + r.p95Ms() + " ms"))),
                new AlertSignal("error-rate", "5xx > " + percent(config.getErrorRateOver()),
                        requests(config, r -> r.errorRate5xx() == null ? null
                                : new Reading(r.errorRate5xx(), r.errorRate5xx() > config.getErrorRateOver(),
                                percent(r.errorRate5xx()) + " of requests answered 5xx (" + r.errors5xx() + "/" + r.requests() + ")"))),
                new AlertSignal("db-pool", "usage > " + percent(config.getDbPoolBusyOver()), in -> dbPool(pools, config)),
                new AlertSignal("heap", "used > " + percent(config.getHeapUsedOver()), in -> heap(memory, config)),
                new AlertSignal("webhook-failures", "> " + config.getWebhookFailuresPerHourOver() + " an hour",
                        database(s -> new Reading(s.stripeEventsFailingLastHour(),
                                s.stripeEventsFailingLastHour() > config.getWebhookFailuresPerHourOver(),
                                s.stripeEventsFailingLastHour() + " Stripe event(s) received in the last hour failed"))),
                new AlertSignal("job-queue-age", "oldest enqueued > " + oldestOver + " s",
                        database(s -> {
                            Long age = s.jobs().oldestEnqueuedAgeSeconds();
                            return new Reading(age, age != null && age > oldestOver,
                                    age == null ? "no job waiting" : "oldest enqueued job waits for " + age + " s");
                        })),
                new AlertSignal("jobs-failing", "> " + config.getFailedJobsOver() + " failed in "
                        + config.getFailedJobsWindow().toMinutes() + " min",
                        database(s -> new Reading(s.jobs().failedRecently(), s.jobs().failedRecently() > config.getFailedJobsOver(),
                                s.jobs().failedRecently() + " job(s) failed (retries exhausted) in the last "
                                        + config.getFailedJobsWindow()))),
                new AlertSignal("job-server", "no live background job server",
                        database(s -> new Reading(s.jobs().liveServers(), s.jobs().liveServers() == 0,
                                s.jobs().liveServers() + " live background job server(s)"))));
    }

    /** Latency and error signals over the window, silent until enough requests were served. */
    private static Function<AlertInputs, Reading> requests(AlertsFactory config, Function<RequestSummary, Reading> read) {
        return in -> {
            RequestSummary r = in.requests();
            if (r.requests() < config.getMinRequests()) {
                return new Reading(null, false, r.requests() + " request(s) in the window, fewer than "
                        + config.getMinRequests() + ": not judged");
            }
            Reading reading = read.apply(r);
            return reading == null ? new Reading(null, false, "no data") : reading;
        };
    }

    private static Function<AlertInputs, Reading> database(Function<OpsSnapshot, Reading> read) {
        return in -> {
            OpsSnapshot s = in.snapshot();
            if (!s.hasData()) {
                return Reading.unknown("database counts unavailable: " + s.error());
            }
            return read.apply(s);
        };
    }

    private static Reading dbPool(PoolStats pools, AlertsFactory config) {
        double worst = 0;
        String which = null;
        for (Map.Entry<String, PoolStats.PoolReading> pool : pools.databases().entrySet()) {
            if (which == null || pool.getValue().usage() > worst) {
                worst = pool.getValue().usage();
                which = pool.getKey() + " " + pool.getValue().active() + "/" + pool.getValue().max() + " busy, "
                        + pool.getValue().waiting() + " waiting";
            }
        }
        return new Reading(worst, worst > config.getDbPoolBusyOver(), "database pool " + which);
    }

    private static Reading heap(MemoryMXBean memory, AlertsFactory config) {
        MemoryUsage heap = memory.getHeapMemoryUsage();
        long max = heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
        double ratio = (double) heap.getUsed() / max;
        return new Reading(Math.round(ratio * 1000) / 1000.0, ratio > config.getHeapUsedOver(),
                "heap " + heap.getUsed() / (1024 * 1024) + " MiB of " + max / (1024 * 1024) + " MiB");
    }

    private static String percent(double ratio) {
        return Math.round(ratio * 1000) / 10.0 + " %";
    }
}
