package com.koomy.worker.e2e;

import com.koomy.testing.ApiHttp;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ops/chaos redis-down}: the stack's Redis killed for {@code koomy.chaos.outageSeconds} (60) and started
 * again empty, under webhook load and probes: cached public pages keep answering, login fails closed (503),
 * signed-in requests get 503 (never an anonymous answer), webhooks are accepted and applied, and everything
 * recovers without a restart.
 */
@Tag("chaos")
class RedisDownChaosIT {

    private static final long OUTAGE = Long.getLong("koomy.chaos.outageSeconds", 60);
    private static final int RATE = Integer.getInteger("koomy.chaos.rate", 40);
    private static final String PASSWORD = "chaos correct horse";

    @Test
    void aRedisOutageFailsClosedAndHealsByItself() throws Exception {
        try (ChaosStack stack = ChaosStack.start("redis-down", 1, true, 0, Map.of());
             Probes probes = new Probes()) {
            ChaosReport report = stack.report();
            int port = stack.apiPort;
            List<String> emails = List.of("chaos1@example.org", "chaos2@example.org", "chaos3@example.org", "chaos4@example.org");
            for (String email : emails) {
                assertThat(ApiHttp.call(port, "POST", "/api/auth/register", null,
                        Map.of("email", email, "password", PASSWORD, "name", "Chaos", "locale", "en")).status()).isEqualTo(201);
            }
            AtomicReference<String> token = new AtomicReference<>(login(port, emails.get(0)).body().get("token").asText());
            String page = "/api/communities/" + ApiHttp.call(port, "POST", "/api/communities", token.get(),
                    Map.of("name", "Chaos Club", "description", "a public community", "visibility", "public")).body().get("id").asText();
            for (int i = 0; i < 3; i++) {
                ApiHttp.call(port, "GET", page, null, null);
            }
            long apiPid = stack.api().pid();
            long workerPid = stack.worker(0).pid();
            AtomicInteger logins = new AtomicInteger();
            probes.every("page", Duration.ofMillis(500), () -> Probes.status(port, "GET", page, null, null))
                    .every("signed-me", Duration.ofMillis(500), () -> Probes.status(port, "GET", "/api/me", token.get(), null))
                    .every("signed-page", Duration.ofMillis(500), () -> Probes.status(port, "GET", page, token.get(), null))
                    .every("health", Duration.ofMillis(500), () -> Probes.status(port, "GET", "/api/health", null, null))
                    // Rotating over the accounts: the per-email login limit is 5 a minute.
                    .every("login", Duration.ofSeconds(4), () -> {
                        ApiReply reply = login(port, emails.get(logins.getAndIncrement() % emails.size()));
                        if (reply.status() == 200) {
                            token.set(reply.body().get("token").asText());
                        }
                        return reply.status();
                    });
            try (WebhookLoad load = new WebhookLoad(port, ChaosStack.SECRET, RATE, 0, 16, Duration.ZERO, Duration.ZERO)) {
                Thread.sleep(15_000);
                stack.redis.stop();
                long stopMs = System.currentTimeMillis();
                Thread.sleep(OUTAGE * 1000);
                long startMs = System.currentTimeMillis();
                stack.redis.startServer();
                Thread.sleep(40_000);
                load.stop();
                load.awaitFinished(Duration.ofMinutes(2));
                probes.close();
                long drained = CountedWebhooks.awaitDrained(stack.db, Duration.ofMinutes(5));

                List<Probes.Answer> pageBefore = probes.of("page", 0, stopMs);
                List<Probes.Answer> pageDuring = probes.of("page", stopMs, startMs);
                List<Probes.Answer> meDuring = probes.of("signed-me", stopMs, startMs);
                List<Probes.Answer> signedPageDuring = probes.of("signed-page", stopMs, startMs);
                List<Probes.Answer> loginDuring = probes.of("login", stopMs, startMs);
                List<Probes.Answer> healthDuring = probes.of("health", stopMs, startMs);
                List<WebhookLoad.Attempt> hooksDuring = load.sentBetween(stopMs, startMs);
                long hooksDuringOk = hooksDuring.stream().filter(WebhookLoad.Attempt::accepted).count();
                long loginBack = probes.firstOk("login", startMs);
                long meBack = probes.firstOk("signed-me", startMs);
                long healthBack = probes.firstOk("health", startMs);
                long meBadAfter = meBack == 0 ? -1 : probes.of("signed-me", meBack, Long.MAX_VALUE).stream().filter(a -> !a.ok()).count();
                long pageBadAfter = probes.of("page", startMs, Long.MAX_VALUE).stream().filter(a -> !a.ok()).count();
                boolean samePids = stack.api().pid() == apiPid && stack.worker(0).pid() == workerPid;
                CountedWebhooks.Counts counts = CountedWebhooks.Counts.of(stack.db, load.accepted());

                report.figure("outage", ChaosReport.secs(stopMs, startMs) + " (redis-server SIGKILLed, then a new empty one)");
                report.figure("public page, before", Probes.summary(pageBefore) + "; median " + Probes.median(pageBefore) + " ms");
                report.figure("public page, during", Probes.summary(pageDuring) + "; median " + Probes.median(pageDuring) + " ms");
                report.figure("signed-in GET /api/me, during", Probes.summary(meDuring));
                report.figure("signed-in public page, during", Probes.summary(signedPageDuring));
                report.figure("login, during", Probes.summary(loginDuring));
                report.figure("/api/health, during", Probes.summary(healthDuring));
                report.figure("webhooks sent during: 2xx / other", hooksDuringOk + " / " + (hooksDuring.size() - hooksDuringOk));
                report.figure("recovery after Redis start: login", ChaosReport.secs(startMs, loginBack));
                report.figure("recovery: signed-in /api/me (new session)", ChaosReport.secs(startMs, meBack) + "; non-2xx after it: " + meBadAfter);
                report.figure("recovery: /api/health 200", ChaosReport.secs(startMs, healthBack));
                report.figure("processes restarted", samePids ? "none (same PIDs)" : "YES");
                report.figure("webhooks sent / all settled", load.created() + " / " + ChaosReport.secs(startMs, drained) + " after Redis start");
                counts.report(report);

                report.check("public page served during the outage (every answer 2xx)",
                        !pageDuring.isEmpty() && pageDuring.stream().allMatch(Probes.Answer::ok));
                report.check("login fails closed (all 503 during the outage)", allStatus(loginDuring, 503));
                report.check("signed-in requests 503 during the outage, never answered as anonymous",
                        allStatus(meDuring, 503) && allStatus(signedPageDuring, 503));
                report.check("webhooks unaffected (every one 2xx, stored, applied once)",
                        counts.accepted() == load.created() && counts.eachAcceptedAppliedOnce());
                report.check("recovery without restart: login, sessions and health back, same processes",
                        loginBack > 0 && meBack > 0 && healthBack > 0 && meBadAfter == 0 && pageBadAfter == 0 && samePids);
                report.check("nothing left received/processing/failed, outbox empty", counts.nothingLeft());
                report.assertAllPassed("Redis killed for " + OUTAGE + " s (and started empty) while webhooks arrived at " + RATE
                        + "/s and a prober asked a public page, /api/me and the page signed in every 0.5 s, login every 4 s");
            }
        }
    }

    private static ApiReply login(int port, String email) {
        return ApiHttp.call(port, "POST", "/api/auth/login", null, Map.of("email", email, "password", PASSWORD));
    }

    private static boolean allStatus(List<Probes.Answer> answers, int status) {
        return !answers.isEmpty() && answers.stream().allMatch(a -> a.status() == status);
    }
}
