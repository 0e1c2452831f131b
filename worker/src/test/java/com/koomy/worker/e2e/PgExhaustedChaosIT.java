package com.koomy.worker.e2e;

import com.koomy.testing.ApiHttp;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ops/chaos pg-exhausted}: another client takes every connection PostgreSQL (max_connections 60) will give
 * it; after {@code koomy.chaos.exhaustHoldSeconds} (20) the stack's own connections are terminated, so that it
 * must get new ones while the other client takes every slot freed, for {@code koomy.chaos.exhaustSeconds} (45).
 * Refusals are 503 in our error shape (never another 5xx, never a 4xx, never a 2xx for an event not stored),
 * nothing accepted is lost, and the stack recovers by itself once the connections are released.
 */
@Tag("chaos")
class PgExhaustedChaosIT {

    private static final long HOLD = Long.getLong("koomy.chaos.exhaustHoldSeconds", 20);
    private static final long EXHAUST = Long.getLong("koomy.chaos.exhaustSeconds", 45);
    private static final int RATE = Integer.getInteger("koomy.chaos.rate", 40);
    private static final int MAX_CONNECTIONS = 60;

    /** Writes answered 503 (when sent) whose body is not our error shape with status 503 and a code. */
    private final ConcurrentLinkedQueue<Long> foreign503 = new ConcurrentLinkedQueue<>();

    @Test
    void anExhaustedPostgresGives503sAndLosesNothing() throws Exception {
        try (ChaosStack stack = ChaosStack.start("pg-exhausted", 1, false, MAX_CONNECTIONS, Map.of());
             Probes probes = new Probes()) {
            ChaosReport report = stack.report();
            int port = stack.apiPort;
            assertThat(ApiHttp.call(port, "POST", "/api/auth/register", null, Map.of("email", "owner@example.org",
                    "password", "chaos correct horse", "name", "Chaos", "locale", "en")).status()).isEqualTo(201);
            String token = ApiHttp.call(port, "POST", "/api/auth/login", null,
                    Map.of("email", "owner@example.org", "password", "chaos correct horse")).body().get("token").asText();
            String community = "/api/communities/" + ApiHttp.call(port, "POST", "/api/communities", token,
                    Map.of("name", "Chaos Club", "visibility", "public")).body().get("id").asText();
            stack.db.useHandle(h -> h.execute("CREATE ROLE hog LOGIN"));
            long apiPid = stack.api().pid();
            long workerPid = stack.worker(0).pid();
            AtomicInteger writes = new AtomicInteger();
            probes.every("page", Duration.ofMillis(500), () -> Probes.status(port, "GET", community, null, null))
                    .every("health", Duration.ofMillis(500), () -> Probes.status(port, "GET", "/api/health", null, null))
                    .every("worker", Duration.ofMillis(500), () -> Probes.get(stack.workerHealthUrl(0)))
                    .every("write", Duration.ofSeconds(2), () -> write(port, community + "/news", token, writes.incrementAndGet()));
            try (WebhookLoad load = new WebhookLoad(port, ChaosStack.SECRET, RATE, 0, 16, Duration.ofSeconds(10), Duration.ofSeconds(270));
                 Hog hog = new Hog(stack.pg.url(ChaosStack.DATABASE))) {
                Thread.sleep(15_000);
                long hogMs = System.currentTimeMillis();
                hog.start();
                long fullDeadline = hogMs + 60_000;
                while (hog.fullMs.get() == 0 && System.currentTimeMillis() < fullDeadline) {
                    Thread.sleep(200);
                }
                assertThat(hog.fullMs.get()).as("the other client filled PostgreSQL's connections within 60 s").isPositive();
                long fullMs = System.currentTimeMillis();
                Thread.sleep(HOLD * 1000);
                long cutMs = System.currentTimeMillis();
                long terminated = stack.db.withHandle(h -> h.createQuery("SELECT count(pg_terminate_backend(pid)) "
                        + "FROM pg_stat_activity WHERE usename = :role").bind("role", ChaosStack.ROLE).mapTo(Long.class).one());
                List<String> connections = new ArrayList<>();
                while (System.currentTimeMillis() < cutMs + EXHAUST * 1000) {
                    connections.add(stack.db.withHandle(h -> h.createQuery("SELECT count(*) FILTER (WHERE usename = :role) "
                                    + "|| '/' || count(*) FILTER (WHERE usename = 'hog') FROM pg_stat_activity")
                            .bind("role", ChaosStack.ROLE).mapTo(String.class).one()));
                    Thread.sleep(2000);
                }
                hog.close();
                long releaseMs = System.currentTimeMillis();
                long drained = CountedWebhooks.finish(stack, load, probes);

                List<WebhookLoad.Attempt> exhausted = load.sentBetween(fullMs, releaseMs);
                long h2 = exhausted.stream().filter(WebhookLoad.Attempt::accepted).count();
                long h503 = exhausted.stream().filter(a -> a.status() == 503).count();
                long hOther = exhausted.size() - h2 - h503;
                List<Probes.Answer> writesDuring = probes.of("write", fullMs, releaseMs);
                long w503 = writesDuring.stream().filter(a -> a.status() == 503).count();
                long wOther = writesDuring.stream().filter(a -> !a.ok() && a.status() != 503).count();
                long wForeign = foreign503.stream().filter(ms -> ms >= fullMs && ms < releaseMs).count();
                long hookBack = load.attempts().stream().filter(a -> a.accepted() && a.sentMs() >= releaseMs)
                        .mapToLong(WebhookLoad.Attempt::doneMs).min().orElse(0);
                long writeBack = probes.firstOk("write", releaseMs);
                long healthBack = probes.firstOk("health", releaseMs);
                long workerBack = probes.firstOk("worker", releaseMs);
                long lateBad = probes.badAfter(Math.max(Math.max(healthBack, workerBack), writeBack) + 10_000);
                boolean samePids = stack.api().pid() == apiPid && stack.worker(0).pid() == workerPid;
                CountedWebhooks.Counts counts = CountedWebhooks.Counts.of(stack.db, load.accepted());

                report.figure("PostgreSQL", "max_connections " + MAX_CONNECTIONS + " (3 reserved for superusers)");
                report.figure("the other client", "took " + hog.heldWhenFull.get() + " connections " + ChaosReport.secs(hogMs, hog.fullMs.get())
                        + " after its start, then was refused: \"" + hog.refusal.get() + "\"");
                report.figure("stack connections terminated", terminated + " after " + HOLD + " s; then stack/hog " + connections);
                report.figure("while exhausted: webhooks", "2xx " + h2 + ", 503 " + h503 + ", other " + hOther);
                report.figure("while exhausted: writes (POST news)", Probes.summary(writesDuring) + "; 503 not our error shape: " + wForeign);
                report.figure("while exhausted: health", Probes.summary(probes.of("health", cutMs, releaseMs)));
                report.figure("recovery after release: webhook 2xx / write 2xx", ChaosReport.secs(releaseMs, hookBack) + " / "
                        + ChaosReport.secs(releaseMs, writeBack));
                report.figure("recovery: API health / worker health", ChaosReport.secs(releaseMs, healthBack) + " / "
                        + ChaosReport.secs(releaseMs, workerBack));
                report.figure("recovery: every event settled", ChaosReport.secs(releaseMs, drained));
                report.figure("non-2xx answers 10 s after recovery", lateBad + " ("
                        + probes.badSummaryAfter(Math.max(Math.max(healthBack, workerBack), writeBack) + 10_000) + ")");
                report.figure("processes restarted", samePids ? "none (same PIDs)" : "YES");
                report.figure("events sent", load.created());
                counts.report(report);

                String refusal = String.valueOf(hog.refusal.get());
                report.check("the other client took every connection PostgreSQL would give (refused after)",
                        refusal.contains("too many clients") || refusal.contains("reserved"));
                report.check("while exhausted: refusals are 503 (no other 5xx, no 4xx, no timeouts), and there were some",
                        hOther == 0 && wOther == 0 && h503 + w503 > 0);
                report.check("every refused write is our 503 JSON error", wForeign == 0);
                report.check("no 2xx for an event not stored: every accepted event stored and applied once", counts.eachAcceptedAppliedOnce());
                report.check("every event accepted in the end (resent like Stripe), nothing left, outbox empty",
                        counts.accepted() == load.created() && counts.nothingLeft());
                report.check("recovered by itself: webhooks, writes and health back, same processes, steady after",
                        hookBack > 0 && writeBack > 0 && healthBack > 0 && workerBack > 0 && lateBad == 0 && samePids);
                report.assertAllPassed("another client took every connection of PostgreSQL (max_connections " + MAX_CONNECTIONS
                        + ") for " + (HOLD + EXHAUST) + " s; after " + HOLD + " s the stack's own connections were terminated; "
                        + "webhooks at " + RATE + "/s (refused ones resent every 10 s), a signed-in write every 2 s, probes every 0.5 s");
            }
        }
    }

    private int write(int port, String path, String token, int n) {
        long sent = System.currentTimeMillis();
        ApiReply reply;
        try {
            reply = ApiHttp.call(port, "POST", path, token, Map.of("title", "Chaos write " + n));
        } catch (RuntimeException noAnswer) {
            return 0;
        }
        if (reply.status() == 503 && !(reply.body().path("error").path("status").asInt() == 503
                && reply.body().path("error").path("code").isTextual())) {
            foreign503.add(sent);
        }
        return reply.status();
    }

    /**
     * "Another client": threads asking for connections as role {@code hog} every 20 ms and keeping every one they
     * get, so that a slot freed by anyone is taken again at once.
     */
    private static final class Hog implements AutoCloseable {
        final AtomicLong fullMs = new AtomicLong();
        final AtomicReference<String> refusal = new AtomicReference<>();
        final AtomicInteger heldWhenFull = new AtomicInteger();
        private final String url;
        private final List<Connection> held = new ArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ExecutorService threads = Executors.newFixedThreadPool(8);

        Hog(String url) {
            this.url = url;
        }

        void start() {
            for (int i = 0; i < 8; i++) {
                threads.submit(this::ask);
            }
        }

        private void ask() {
            while (running.get()) {
                try {
                    Connection connection = DriverManager.getConnection(url + "?connectTimeout=2&loginTimeout=5", "hog", "");
                    synchronized (held) {
                        held.add(connection);
                    }
                } catch (SQLException refused) {
                    if (fullMs.compareAndSet(0, System.currentTimeMillis())) {
                        refusal.set(refused.getMessage());
                        heldWhenFull.set(held());
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        int held() {
            synchronized (held) {
                return held.size();
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            threads.shutdown();
            threads.awaitTermination(20, TimeUnit.SECONDS);
            synchronized (held) {
                for (Connection connection : held) {
                    try {
                        connection.close();
                    } catch (SQLException ignored) {
                        // its backend was gone already
                    }
                }
                held.clear();
            }
        }
    }
}
