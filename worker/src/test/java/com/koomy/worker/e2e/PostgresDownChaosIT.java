package com.koomy.worker.e2e;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code ops/chaos postgres-down}: PostgreSQL stopped at once ({@code pg_ctl -m immediate}) for
 * {@code koomy.chaos.outageSeconds} (60) under webhook load, refused events resent every 10 s as Stripe does:
 * while it is down the endpoint answers 5xx (never 2xx, never 4xx, never nothing); the API and the worker come
 * back by themselves (same processes); no accepted event is lost or applied twice.
 */
@Tag("chaos")
class PostgresDownChaosIT {

    private static final long OUTAGE = Long.getLong("koomy.chaos.outageSeconds", 60);
    private static final int RATE = Integer.getInteger("koomy.chaos.rate", 40);

    @Test
    void theProcessesRideOutAPostgresCrash() throws Exception {
        try (ChaosStack stack = ChaosStack.start("postgres-down", 1, false, 0, Map.of());
             Probes probes = new Probes()) {
            ChaosReport report = stack.report();
            long apiPid = stack.api().pid();
            long workerPid = stack.worker(0).pid();
            probes.every("health", Duration.ofSeconds(1), () -> Probes.status(stack.apiPort, "GET", "/api/health", null, null))
                    .every("worker", Duration.ofSeconds(1), () -> Probes.get(stack.workerHealthUrl(0)));
            long stopMs;
            long startMs;
            long upMs;
            try (WebhookLoad load = new WebhookLoad(stack.apiPort, ChaosStack.SECRET, RATE, 0, 16,
                    Duration.ofSeconds(10), Duration.ofSeconds(270))) {
                Thread.sleep(20_000);
                stack.pg.stopImmediately();
                stopMs = System.currentTimeMillis();
                Thread.sleep(OUTAGE * 1000);
                startMs = System.currentTimeMillis();
                stack.pg.startServer();
                upMs = System.currentTimeMillis();
                long drained = CountedWebhooks.finish(stack, load, probes);

                List<WebhookLoad.Attempt> during = load.sentBetween(stopMs, startMs);
                long d2 = during.stream().filter(a -> a.status() / 100 == 2).count();
                long d4 = during.stream().filter(a -> a.status() / 100 == 4).count();
                long d5 = during.stream().filter(a -> a.status() / 100 == 5).count();
                long d0 = during.stream().filter(a -> a.status() == 0).count();
                long firstHook = load.attempts().stream().filter(a -> a.accepted() && a.sentMs() >= startMs)
                        .mapToLong(WebhookLoad.Attempt::doneMs).min().orElse(0);
                long healthBack = probes.firstOk("health", startMs);
                long workerBack = probes.firstOk("worker", startMs);
                long lateBad = probes.badAfter(Math.max(healthBack, workerBack) + 5000);
                boolean samePids = stack.api().pid() == apiPid && stack.worker(0).pid() == workerPid;
                CountedWebhooks.Counts counts = CountedWebhooks.Counts.of(stack.db, load.accepted());

                report.figure("outage", ChaosReport.secs(stopMs, startMs) + " (pg_ctl stop -m immediate); restart took "
                        + ChaosReport.secs(startMs, upMs));
                report.figure("webhooks sent during: 2xx/4xx/5xx/none", d2 + " / " + d4 + " / " + d5 + " / " + d0);
                report.figure("recovery: first webhook 2xx", ChaosReport.secs(startMs, firstHook) + " after pg_ctl start began");
                report.figure("recovery: API /api/health 200", ChaosReport.secs(startMs, healthBack) + " (probed every 1 s)");
                report.figure("recovery: worker healthcheck 200", ChaosReport.secs(startMs, workerBack));
                report.figure("recovery: every event settled", ChaosReport.secs(startMs, drained) + " (includes resending the refused ones)");
                report.figure("unhealthy answers 5 s after recovery", lateBad + " (" + probes.badSummaryAfter(Math.max(healthBack, workerBack) + 5000)
                        + "; status 0: no answer within 5 s)");
                report.figure("processes restarted", samePids ? "none (same PIDs)" : "YES");
                report.figure("events sent", load.created());
                counts.report(report);

                report.check("while down: no webhook answered 2xx, and none 4xx", d2 == 0 && d4 == 0 && d5 + d0 > 0);
                report.check("while down: every webhook answered (5xx, no timeout)", d0 == 0);
                report.check("zero accepted events lost, none applied twice", counts.eachAcceptedAppliedOnce());
                report.check("every event accepted in the end (resent like Stripe)", counts.accepted() == load.created());
                report.check("processes recovered by themselves (healthy, same PIDs, steady after)",
                        healthBack > 0 && workerBack > 0 && samePids && lateBad == 0);
                report.check("nothing left received/processing/failed, outbox empty, no unfinished job", counts.nothingLeft());
                report.assertAllPassed("PostgreSQL stopped with pg_ctl -m immediate for " + OUTAGE + " s while webhooks arrived at "
                        + RATE + "/s (events answered non-2xx resent every 10 s, as Stripe retries)");
            }
        }
    }
}
