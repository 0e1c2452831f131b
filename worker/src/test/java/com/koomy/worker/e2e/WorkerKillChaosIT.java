package com.koomy.worker.e2e;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ops/chaos worker-kill}: two workers, one SIGKILLed (and restarted at once) every
 * {@code koomy.chaos.killEverySeconds} (20) during a burst of {@code koomy.chaos.events} (3,000) webhooks: every
 * event is accepted, stored and applied exactly once, nothing is left processing, and the jobs the killed worker
 * held are run again by a job server of the other (figure: time from the kill to their re-run).
 */
@Tag("chaos")
class WorkerKillChaosIT {

    private static final int EVENTS = Integer.getInteger("koomy.chaos.events", 3000);
    private static final int RATE = Integer.getInteger("koomy.chaos.burstRate", 100);
    private static final long KILL_EVERY = Long.getLong("koomy.chaos.killEverySeconds", 20);
    private static final int MAX_KILLS = Integer.getInteger("koomy.chaos.maxKills", 10);

    private record Kill(int k, String worker, String serverId, long killMs, List<String> orphans) {
    }

    @Test
    void killedWorkersLoseNothingAndApplyNothingTwice() throws Exception {
        // The counting handler sleeps 5 ms an event: a batch job takes seconds, so kills find jobs in flight.
        try (ChaosStack stack = ChaosStack.start("worker-kill", 2, false, 0, Map.of("KOOMY_TEST_HANDLER_DELAY_MS", "5"))) {
            ChaosReport report = stack.report();
            long t0 = System.currentTimeMillis();
            List<Kill> kills = new ArrayList<>();
            try (WebhookLoad load = new WebhookLoad(stack.apiPort, ChaosStack.SECRET, RATE, EVENTS, 16, Duration.ZERO, Duration.ZERO)) {
                long next = t0 + 5_000;
                long deadline = t0 + EVENTS * 1000L / RATE + 420_000;
                int victim = 1;
                while (System.currentTimeMillis() < deadline && !(load.finished() && unsettled(stack) == 0)) {
                    if (System.currentTimeMillis() >= next && kills.size() < MAX_KILLS) {
                        victim = 1 - victim;
                        String serverId = stack.serverId(victim);
                        long killMs = System.currentTimeMillis();
                        stack.worker(victim).kill();
                        Thread.sleep(1000);
                        // The jobs the dead server holds: still PROCESSING under its id a moment later.
                        List<String> orphans = serverId == null ? List.of() : stack.db.withHandle(h -> h.createQuery(
                                        "SELECT id::text FROM jobrunr.jobrunr_jobs WHERE state = 'PROCESSING' "
                                                + "AND jobasjson::jsonb -> 'jobHistory' -> -1 ->> 'serverId' = :sid")
                                .bind("sid", serverId).mapTo(String.class).list());
                        kills.add(new Kill(kills.size() + 1, "worker-" + (victim + 1), serverId, killMs, orphans));
                        System.out.printf("kill %d: SIGKILL worker-%d (server %s), %d jobs orphaned; restarting it%n",
                                kills.size(), victim + 1, serverId, orphans.size());
                        stack.startWorker(victim);
                        next += KILL_EVERY * 1000;
                    }
                    Thread.sleep(1000);
                }
                load.awaitFinished(Duration.ofMinutes(2));
                long drained = CountedWebhooks.awaitDrained(stack.db, Duration.ofMinutes(5));
                stack.worker(0).awaitHealthy(ChaosStack.STARTUP);
                stack.worker(1).awaitHealthy(ChaosStack.STARTUP);
                List<String> orphans = kills.stream().flatMap(k -> k.orphans().stream()).distinct().toList();
                // Orphans run again only once JobRunr declares the dead server gone (4 poll intervals).
                long orphansDeadline = System.currentTimeMillis() + 120_000;
                while (System.currentTimeMillis() < orphansDeadline && unfinished(stack, orphans) > 0) {
                    Thread.sleep(1000);
                }

                List<String> perKill = new ArrayList<>();
                double slowest = -1;
                long notRerun = 0;
                for (Kill kill : kills) {
                    double killSlowest = -1;
                    for (String job : kill.orphans()) {
                        Long rerun = rerunMs(stack, job, kill);
                        if (rerun == null) {
                            notRerun++;
                        } else {
                            killSlowest = Math.max(killSlowest, (rerun - kill.killMs()) / 1000.0);
                        }
                    }
                    slowest = Math.max(slowest, killSlowest);
                    perKill.add(String.format("#%d %s: %d orphaned%s", kill.k(), kill.worker(), kill.orphans().size(),
                            killSlowest < 0 ? "" : String.format(", re-run after %.1f s", killSlowest)));
                }
                CountedWebhooks.Counts counts = CountedWebhooks.Counts.of(stack.db, load.accepted());
                long answered2xx = load.attempts().stream().filter(WebhookLoad.Attempt::accepted).count();
                report.figure("events sent", EVENTS + " (" + RATE + "/s, 16 connections)");
                report.figure("answered 2xx / other", answered2xx + " / " + (load.attempts().size() - answered2xx));
                report.figure("kills (SIGKILL, worker restarted)", kills.size() + ", every " + KILL_EVERY + " s");
                report.figure("per kill", String.join("; ", perKill));
                report.figure("orphaned jobs (PROCESSING at kill)", orphans.size() + "; slowest kill-to-rerun "
                        + (slowest < 0 ? "-" : String.format("%.1f s", slowest)) + "; not re-run " + notRerun);
                counts.report(report);
                report.figure("first event sent to all settled", ChaosReport.secs(t0, drained));

                report.check("every event accepted (2xx)", counts.accepted() == EVENTS);
                report.check("every accepted event stored and applied exactly once", counts.eachAcceptedAppliedOnce());
                report.check("every event settled at its first attempt (attempts = 1)", counts.settledFirstAttempt() == EVENTS);
                report.check("nothing left processing/received/failed, outbox empty, no unfinished job", counts.nothingLeft());
                report.check("at least one kill hit jobs in flight, and all of them re-ran and succeeded",
                        !orphans.isEmpty() && notRerun == 0 && unfinished(stack, orphans) == 0);
                report.assertAllPassed(kills.size() + " SIGKILLs of a worker (alternating between two, each restarted at once) "
                        + "every " + KILL_EVERY + " s while " + EVENTS + " signed webhooks were sent");
            }
        }
    }

    private static long unsettled(ChaosStack stack) {
        return stack.db.withHandle(h -> h.createQuery("SELECT (SELECT count(*) FROM stripe_events WHERE status IN "
                + "('received', 'processing')) + (SELECT count(*) FROM outbox)").mapTo(Long.class).one());
    }

    private static long unfinished(ChaosStack stack, List<String> jobs) {
        return stack.db.withHandle(h -> h.createQuery("SELECT count(*) FROM jobrunr.jobrunr_jobs "
                        + "WHERE id::text = ANY(:ids) AND state <> 'SUCCEEDED'")
                .bind("ids", jobs.toArray(String[]::new)).mapTo(Long.class).one());
    }

    /** When another job server started the orphaned job again after the kill (its next PROCESSING state); null: never. */
    private static Long rerunMs(ChaosStack stack, String job, Kill kill) {
        return stack.db.withHandle(h -> h.createQuery("SELECT min(extract(epoch FROM (s ->> 'createdAt')::timestamptz) * 1000)::bigint "
                        + "FROM jobrunr.jobrunr_jobs j, jsonb_array_elements(j.jobasjson::jsonb -> 'jobHistory') s "
                        + "WHERE j.id::text = :job AND s ->> 'state' = 'PROCESSING' AND s ->> 'serverId' IS DISTINCT FROM :sid "
                        + "AND extract(epoch FROM (s ->> 'createdAt')::timestamptz) * 1000 > :killMs")
                .bind("job", job).bind("sid", kill.serverId()).bind("killMs", kill.killMs()).mapTo(Long.class).findOne().orElse(null));
    }
}
