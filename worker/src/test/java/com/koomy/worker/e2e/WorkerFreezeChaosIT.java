package com.koomy.worker.e2e;

import com.koomy.email.EmailMessage;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailTemplate;
import com.koomy.email.Recipient;
import com.koomy.testing.SendGridStub;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;

/**
 * {@code ops/chaos worker-freeze}: two workers; the second gets SIGSTOP while it holds jobs (email deliveries
 * to a SendGrid stub that answers after {@value #MAIL_DELAY_MS} ms, so they stay PROCESSING for seconds, and
 * webhook batches), stays frozen {@code koomy.chaos.freezeSeconds} (60) and at least until the other worker
 * has re-run every job it held (JobRunr's server timeout: 4 poll intervals of 5 s), then SIGCONT. Every
 * event is applied exactly once, every receipt reaches the stub exactly once (its request journal), nothing is
 * left, and the woken worker carries on by itself.
 *
 * <p>The victim is the second worker, the younger job server: JobRunr's master is the longest-running server,
 * and a frozen master is only replaced once its server row times out (docs/operations.md, "Failure modes").
 */
@Tag("chaos")
class WorkerFreezeChaosIT {

    private static final long FREEZE = Long.getLong("koomy.chaos.freezeSeconds", 60);
    private static final int EVENTS = Integer.getInteger("koomy.chaos.freezeEvents", 1200);
    private static final int RATE = Integer.getInteger("koomy.chaos.rate", 20);
    private static final int RECEIPTS = Integer.getInteger("koomy.chaos.freezeEmails", 80);
    private static final int MAIL_DELAY_MS = 3000;
    private static final String MINE = "jobasjson::jsonb -> 'jobHistory' -> -1 ->> 'serverId' = :sid";

    @Test
    void aFrozenWorkersJobsRunElsewhereAndNothingHappensTwice() throws Exception {
        try (SendGridStub sendgrid = new SendGridStub()) {
            sendgrid.accept(MAIL_DELAY_MS);
            Map<String, String> env = Map.of("KOOMY_TEST_HANDLER_DELAY_MS", "5", "KOOMY_JOBS_POLL_INTERVAL", "5s",
                    "SENDGRID_API_KEY", "SG.chaos-not-a-secret", "SENDGRID_BASE_URL", sendgrid.baseUrl(),
                    "SENDGRID_RATE_LIMIT", "10", "SENDGRID_REQUEST_TIMEOUT", "10s");
            try (ChaosStack stack = ChaosStack.start("worker-freeze", 2, false, 0, env);
                 WebhookLoad load = new WebhookLoad(stack.apiPort, ChaosStack.SECRET, RATE, EVENTS, 16, Duration.ZERO, Duration.ZERO)) {
                ChaosReport report = stack.report();
                long t0 = System.currentTimeMillis();
                List<String> receipts = enqueueReceipts(stack);
                KoomyProcess victim = stack.worker(1);

                // Deterministic: wait until the victim's job server holds email deliveries in flight (each waits 3 s
                // on the stub), then freeze it at once; frozen, it cannot change what it holds.
                AtomicReference<String> sid = new AtomicReference<>();
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    sid.set(stack.serverId(1));
                    return sid.get() != null && stack.db.withHandle(h -> h.createQuery("SELECT count(*) FROM jobrunr.jobrunr_jobs "
                                    + "WHERE state = 'PROCESSING' AND jobsignature LIKE '%SendEmail%' AND " + MINE)
                            .bind("sid", sid.get()).mapTo(Long.class).one()) > 0;
                });
                signal(victim, "STOP");
                long stopMs = System.currentTimeMillis();
                Map<String, String> orphans = stack.db.withHandle(h -> h.createQuery("SELECT id::text AS id, CASE "
                                + "WHEN jobsignature LIKE '%SendEmail%' THEN 'email' WHEN jobsignature LIKE '%ApplyStripeEvent%' "
                                + "THEN 'webhook' ELSE 'other' END AS kind FROM jobrunr.jobrunr_jobs WHERE state = 'PROCESSING' AND " + MINE)
                        .bind("sid", sid.get()).reduceRows(new LinkedHashMap<String, String>(), (map, row) -> {
                            map.put(row.getColumn("id", String.class), row.getColumn("kind", String.class));
                            return map;
                        }));
                System.out.printf("SIGSTOP worker-2 (server %s) holding %s%n", sid.get(), kinds(orphans));

                long goneMs = 0;
                long deadline = stopMs + Math.max(FREEZE, 150) * 1000;
                List<String> ids = List.copyOf(orphans.keySet());
                while (System.currentTimeMillis() < deadline
                        && (System.currentTimeMillis() < stopMs + FREEZE * 1000 || rerun(stack, ids, sid.get(), stopMs) < ids.size())) {
                    if (goneMs == 0 && serverRows(stack, sid.get()) == 0) {
                        goneMs = System.currentTimeMillis();
                    }
                    Thread.sleep(1000);
                }
                long rerunBeforeCont = rerun(stack, ids, sid.get(), stopMs);
                Long lastRerun = lastRerunMs(stack, ids, sid.get(), stopMs);
                signal(victim, "CONT");
                long contMs = System.currentTimeMillis();
                long backMs = 0;
                while (backMs == 0 && System.currentTimeMillis() < contMs + 90_000) {
                    if (victim.healthStatus() == 200) {
                        backMs = System.currentTimeMillis();
                    }
                    Thread.sleep(500);
                }

                load.awaitFinished(Duration.ofMinutes(2));
                long drained = CountedWebhooks.awaitDrained(stack.db, Duration.ofMinutes(3));
                long settled = awaitEmailsSettled(stack, Duration.ofMinutes(2));
                // Any late second copy from the woken worker would reach the stub within its request timeout.
                Thread.sleep(12_000);
                boolean sameProcess = stack.worker(1) == victim && victim.healthStatus() == 200;

                CountedWebhooks.Counts counts = CountedWebhooks.Counts.of(stack.db, load.accepted());
                Map<String, Long> atStub = StubMail.acceptedByKey(sendgrid);
                long once = receipts.stream().filter(k -> atStub.getOrDefault(k, 0L) == 1).count();
                long twice = receipts.stream().filter(k -> atStub.getOrDefault(k, 0L) > 1).count();
                long never = receipts.stream().filter(k -> !atStub.containsKey(k)).count();
                Map<String, Long> states = StubMail.states(stack.db, receipts);
                long orphansSucceeded = stack.db.withHandle(h -> h.createQuery("SELECT count(*) FROM jobrunr.jobrunr_jobs "
                        + "WHERE id::text = ANY(:ids) AND state = 'SUCCEEDED'").bindArray("ids", String.class, ids).mapTo(Long.class).one());
                long pending = states.getOrDefault("pending", 0L);

                report.figure("load", EVENTS + " webhooks at " + RATE + "/s, " + RECEIPTS + " receipts (stub answers after "
                        + MAIL_DELAY_MS + " ms, 10/s)");
                report.figure("frozen", "worker-2, SIGSTOP " + ChaosReport.secs(t0, stopMs) + " into the load, SIGCONT "
                        + ChaosReport.secs(stopMs, contMs) + " later");
                report.figure("jobs it held (PROCESSING)", ids.size() + ": " + kinds(orphans));
                report.figure("its job server declared gone", goneMs == 0 ? "not while frozen" : ChaosReport.secs(stopMs, goneMs) + " after SIGSTOP");
                report.figure("re-run by worker-1 before SIGCONT", rerunBeforeCont + " of " + ids.size()
                        + (lastRerun == null ? "" : ", the last " + ChaosReport.secs(stopMs, lastRerun) + " after SIGSTOP"));
                report.figure("held jobs SUCCEEDED in the end", orphansSucceeded + " of " + ids.size());
                report.figure("woken worker", (sameProcess ? "same process" : "NOT healthy") + ", healthy "
                        + ChaosReport.secs(contMs, backMs) + " after SIGCONT");
                report.figure("receipts at the stub: once / twice+ / never", once + " / " + twice + " / " + never);
                report.figure("receipts: sent / held / pending / failed", states.getOrDefault("sent", 0L) + " / "
                        + states.getOrDefault("held", 0L) + " / " + pending + " / " + states.getOrDefault("failed", 0L));
                counts.report(report);
                report.figure("load start to all settled", ChaosReport.secs(t0, Math.max(drained, settled)));

                report.check("the freeze caught jobs in flight, email deliveries among them",
                        orphans.containsValue("email"));
                report.check("its job server declared gone while it was frozen", goneMs > 0);
                report.check("every job it held re-run by the other worker before SIGCONT, and SUCCEEDED",
                        rerunBeforeCont == ids.size() && orphansSucceeded == ids.size());
                report.check("every event accepted, stored and applied exactly once",
                        counts.accepted() == EVENTS && counts.eachAcceptedAppliedOnce());
                report.check("every receipt accepted exactly once by the SendGrid stub, none pending or failed",
                        once == RECEIPTS && pending == 0 && states.getOrDefault("failed", 0L) == 0);
                report.check("nothing left received/processing/failed, outbox empty, no unfinished job",
                        counts.nothingLeft() && drained != 0 && settled != 0);
                report.check("the frozen worker came back by itself (same process, healthy)", sameProcess && backMs > 0);
                report.assertAllPassed("worker-2 SIGSTOPped for " + ChaosReport.secs(stopMs, contMs) + " (then SIGCONT) while "
                        + "holding " + ids.size() + " jobs, during a webhook burst and a batch of receipts to a slow SendGrid stub");
            }
        }
    }

    private static List<String> enqueueReceipts(ChaosStack stack) {
        List<String> keys = new ArrayList<>();
        stack.db.useTransaction(h -> {
            for (int i = 0; i < RECEIPTS; i++) {
                String key = "receipt:freeze:" + UUID.randomUUID();
                keys.add(key);
                EmailOutbox.enqueue(h, EmailMessage.to(Recipient.of(String.format("payer%03d@example.org", i)),
                        EmailTemplate.PAYMENT_RECEIPT, "en", Map.of("recipientName", "Payer " + i, "communityName", "Chaos Club", "amount", "25.00",
                                "currency", "EUR", "paidAt", "2026-12-06", "description", "Cotisation", "receiptNumber", "R-CHAOS-" + i),
                        null, key));
            }
        });
        return keys;
    }

    /** SIGSTOP or SIGCONT to the process (no JDK API sends those). */
    private static void signal(KoomyProcess process, String signal) throws Exception {
        int rc = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (rc != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " exited with " + rc);
        }
    }

    private static String kinds(Map<String, String> jobs) {
        Map<String, Long> byKind = new TreeMap<>();
        jobs.values().forEach(k -> byKind.merge(k, 1L, Long::sum));
        return byKind.toString();
    }

    private static long serverRows(ChaosStack stack, String sid) {
        return stack.db.withHandle(h -> h.createQuery("SELECT count(*) FROM jobrunr.jobrunr_backgroundjobservers WHERE id::text = :sid")
                .bind("sid", sid).mapTo(Long.class).one());
    }

    private static final String RERUNS = "FROM jobrunr.jobrunr_jobs j, jsonb_array_elements(j.jobasjson::jsonb -> 'jobHistory') s "
            + "WHERE j.id::text = ANY(:ids) AND s ->> 'state' = 'PROCESSING' AND s ->> 'serverId' IS DISTINCT FROM :sid "
            + "AND extract(epoch FROM (s ->> 'createdAt')::timestamptz) * 1000 > :stopMs";

    /** How many of the frozen server's jobs another server has started again since the freeze. */
    private static long rerun(ChaosStack stack, List<String> ids, String sid, long stopMs) {
        return stack.db.withHandle(h -> h.createQuery("SELECT count(DISTINCT j.id) " + RERUNS)
                .bindArray("ids", String.class, ids).bind("sid", sid).bind("stopMs", stopMs).mapTo(Long.class).one());
    }

    /** When the last of them was first started again (epoch ms); null: none was. */
    private static Long lastRerunMs(ChaosStack stack, List<String> ids, String sid, long stopMs) {
        return stack.db.withHandle(h -> h.createQuery("SELECT max(first) FROM (SELECT min(extract(epoch FROM "
                        + "(s ->> 'createdAt')::timestamptz) * 1000)::bigint AS first " + RERUNS + " GROUP BY j.id) x")
                .bindArray("ids", String.class, ids).bind("sid", sid).bind("stopMs", stopMs).mapTo(Long.class).findOne().orElse(null));
    }

    /** Waits until no email is queued or in a lease and no delivery job is unfinished; the epoch ms (0: not in time). */
    private static long awaitEmailsSettled(ChaosStack stack, Duration atMost) throws InterruptedException {
        long deadline = System.currentTimeMillis() + atMost.toMillis();
        while (System.currentTimeMillis() < deadline) {
            long left = stack.db.withHandle(h -> h.createQuery("SELECT (SELECT count(*) FROM emails WHERE status = 'queued' "
                    + "OR (status = 'sending' AND lease_until IS NOT NULL)) + (SELECT count(*) FROM jobrunr.jobrunr_jobs "
                    + "WHERE jobsignature LIKE '%SendEmail%' AND state IN ('ENQUEUED', 'PROCESSING', 'SCHEDULED', 'AWAITING'))")
                    .mapTo(Long.class).one());
            if (left == 0) {
                return System.currentTimeMillis();
            }
            Thread.sleep(1000);
        }
        return 0;
    }
}
