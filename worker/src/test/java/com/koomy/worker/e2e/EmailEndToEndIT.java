package com.koomy.worker.e2e;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.koomy.email.EmailTemplate;
import com.koomy.newsletters.Newsletters;
import com.koomy.testing.SendGridStub;
import com.koomy.testing.TestDatabase;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Email delivery as it runs in production (issue 3): worker processes from the packaged jar, real
 * PostgreSQL and Redis, SendGrid replaced by an in-test {@link SendGridStub}. Every request the stub
 * logs is identified by the {@code custom_args.koomy_key} our mailer puts in it.
 *
 * <p>The rate limit's per-second counters live in Redis under the workers' key prefix
 * ({@code <prefix>ratelimit:{sendgrid}:...}); each test gives its workers a fresh prefix (KOOMY_REDIS_PREFIX),
 * so they never share a counter with another worker, a developer's stack or an earlier run. The fairness test runs last: it leaves a newsletter unfinished and cancels what remains of it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmailEndToEndIT {


    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final LoggedKeys keys = new LoggedKeys();

    @Test
    @Order(1)
    void twoWorkersTogetherStayWithinTheSharedRateLimitAndSendEachEmailOnce() throws Exception {
        Jdbi jdbi = db.jdbi();
        List<String> welcome = new ArrayList<>();
        try (SendGridStub sendgrid = new SendGridStub()) {
            Map<String, String> env = MailWorkers.env(db, sendgrid, 3);
            try (KoomyProcess first = MailWorkers.worker("email-rate-worker-1", env);
                 KoomyProcess second = MailWorkers.worker("email-rate-worker-2", env)) {
                Instant start = Instant.now();
                for (int i = 0; i < 24; i++) {
                    welcome.add(MailWorkers.enqueue(jdbi, EmailTemplate.WELCOME, String.format("rate%02d@example.org", i), "welcome"));
                }
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .until(() -> StubMail.countStatus(jdbi, welcome, "sent") == 24);
                System.out.printf("24 emails at 3/s through 2 workers: all sent in %d s%n",
                        Duration.between(start, Instant.now()).toSeconds());
            }

            List<LoggedRequest> requests = sendgrid.requests();
            List<Instant> arrivals = requests.stream().map(r -> r.getLoggedDate().toInstant()).sorted().toList();
            // Arrival times to the millisecond: tells a token taken late in one second and received early
            // in the next (acquisition-to-arrival delay) from two bursts within one second.
            System.out.println("SendGrid request arrivals (UTC): " + arrivals.stream().map(t -> t.toString().substring(11)).toList());
            RateWindow worst = RateWindow.worst(arrivals, 3, RateWindow.ARRIVAL_JITTER);
            System.out.printf("busiest window: %d requests in %d ms (at most %d allowed)%n", worst.count(), worst.millis(), worst.allowed());
            assertThat(worst.count()).as("SendGrid requests in the %d ms from %s (limit 3 per Redis second, %d ms arrival jitter)",
                    worst.millis(), worst.from(), RateWindow.ARRIVAL_JITTER.toMillis()).isLessThanOrEqualTo(worst.allowed());
            assertThat(requests).hasSize(24);
            Map<String, Long> received = keys.received(requests);
            assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(welcome);
            assertThat(received.values()).containsOnly(1L);
        }
    }

    /**
     * A worker SIGKILLed while SendGrid holds its requests: the receipts then in flight are settled without an
     * operator. SendGrid's event webhook (played by {@link SendGridWebhookFeed}) brings a processed event for
     * every request SendGrid took: those receipts end {@code sent} and are never sent again. Half the requests
     * in flight are "lost" (no event: as if they never reached SendGrid): once the webhook shows mail taken
     * after they were held but none for them, they are sent again, once. Each receipt reaches SendGrid's
     * accepted mail exactly once; password resets may be resent blindly (harmless).
     */
    @Test
    @Order(2)
    void aWorkerKilledMidSendLosesNoReceiptAndDuplicatesNone() throws Exception {
        Jdbi jdbi = db.jdbi();
        List<String> receipts = new ArrayList<>();
        List<String> resets = new ArrayList<>();
        try (SendGridStub sendgrid = new SendGridStub()) {
            sendgrid.delayMillis(3000); // every request is in flight for 3 s
            Map<String, String> env = MailWorkers.env(db, sendgrid, 1000);
            env.put("SENDGRID_WEBHOOK_PUBLIC_KEY", "e2e-the-worker-only-needs-to-know-the-webhook-is-on");
            env.put("SENDGRID_UNCONFIRMED_RESEND_AFTER", "5s");
            KoomyProcess first = MailWorkers.worker("email-kill-worker-1", env);
            try {
                for (int i = 0; i < 10; i++) {
                    receipts.add(MailWorkers.enqueue(jdbi, EmailTemplate.PAYMENT_RECEIPT, String.format("payer%02d@example.org", i), "receipt"));
                    resets.add(MailWorkers.enqueue(jdbi, EmailTemplate.PASSWORD_RESET, String.format("forgetful%02d@example.org", i), "password-reset"));
                }
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> !sendgrid.requests().isEmpty());
                Thread.sleep(500); // the rest of the worker's first round reaches the stub
            } finally {
                first.kill();
            }
            Instant killedAt = Instant.now();
            List<LoggedRequest> inFlight = sendgrid.requests();
            List<String> receiptsInFlight = inFlight.stream().map(keys::key).filter(receipts::contains).sorted().toList();
            Set<String> lost = Set.copyOf(receiptsInFlight.subList(0, receiptsInFlight.size() / 2));
            SendGridWebhookFeed webhook = new SendGridWebhookFeed(sendgrid, jdbi);
            webhook.lose(inFlight.stream().filter(r -> lost.contains(keys.key(r))).toList());
            List<String> all = new ArrayList<>(receipts);
            all.addAll(resets);
            System.out.printf("SIGKILL with %d requests in SendGrid's hands (%d receipts, %d of them lost: no event); rows: %s%n",
                    inFlight.size(), receiptsInFlight.size(), lost.size(), StubMail.statusCounts(jdbi, all));
            assertThat(lost).as("the kill must land while receipts are in SendGrid's hands").isNotEmpty();

            sendgrid.accept();
            String canary = null;
            try (KoomyProcess second = MailWorkers.worker("email-kill-worker-2", env)) {
                // The lost ones are held once their lease (40 s here) has passed; mail taken after that shows
                // the webhook flows: a welcome email queued then, whose processed event arrives, is that mail.
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    webhook.deliver();
                    return StubMail.held(jdbi, lost) + StubMail.countStatus(jdbi, List.copyOf(lost), "sent") == lost.size();
                });
                System.out.printf("lost receipts held %d s after the kill (the others: %s)%n",
                        Duration.between(killedAt, Instant.now()).toSeconds(), StubMail.statuses(jdbi, receipts));
                canary = MailWorkers.enqueue(jdbi, EmailTemplate.WELCOME, "canary@example.org", "welcome");
                List<String> everything = new ArrayList<>(all);
                everything.add(canary);
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    webhook.deliver();
                    return StubMail.statuses(jdbi, everything).values().stream().allMatch("sent"::equals);
                });
                System.out.printf("all %d sent %d s after the kill, no operator%n", everything.size(),
                        Duration.between(killedAt, Instant.now()).toSeconds());
            }

            Map<String, Long> received = keys.received(sendgrid.requests());
            System.out.println("requests per key: " + received);
            System.out.println("final status per key: " + new TreeMap<>(StubMail.statuses(jdbi, all)));
            for (String receipt : receipts) {
                // Taken by SendGrid (an event came) once; lost ones once more, after the hold.
                assertThat(received.getOrDefault(receipt, 0L)).as("requests for %s", receipt).isEqualTo(lost.contains(receipt) ? 2L : 1L);
            }
            for (String reset : resets) {
                assertThat(received.getOrDefault(reset, 0L)).as("requests for %s", reset).isBetween(1L, 2L);
            }
            assertThat(received.get(canary)).isEqualTo(1L);
            Map<String, Integer> lastAttempt = keys.lastAttempts(sendgrid.requests());
            for (String receipt : lost) {
                assertThat(lastAttempt.get(receipt)).as("the resend of %s is its second attempt", receipt).isEqualTo(2);
            }
            long needingOperator = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM emails WHERE status = 'sending'")
                    .mapTo(Long.class).one());
            assertThat(needingOperator).isZero();
        }
    }

    /**
     * On SIGTERM, JobRunr's own shutdown hook stops the job server while Dropwizard's lifecycle runs
     * concurrently; JobRunrRuntime.stop() now waits for the jobs running here (InFlightJobs) before
     * Dropwizard closes the SendGrid client, so receipts in flight end sent, not held for an operator.
     */
    @Test
    @Order(3)
    void aGracefulStopLetsTheRequestsInFlightFinish() throws Exception {
        Jdbi jdbi = db.jdbi();
        List<String> receipts = new ArrayList<>();
        try (SendGridStub sendgrid = new SendGridStub()) {
            sendgrid.delayMillis(3000);
            KoomyProcess worker = MailWorkers.worker("email-term-worker", MailWorkers.env(db, sendgrid, 1000));
            try {
                for (int i = 0; i < 4; i++) {
                    receipts.add(MailWorkers.enqueue(jdbi, EmailTemplate.PAYMENT_RECEIPT, String.format("calm%02d@example.org", i), "receipt"));
                }
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> !sendgrid.requests().isEmpty());
                Thread.sleep(300);
            } finally {
                worker.close(); // SIGTERM: JobRunr gives running jobs up to KOOMY_JOBS_SHUTDOWN_TIMEOUT (20 s)
            }
            Set<String> inFlight = keys.received(sendgrid.requests()).keySet();
            Map<String, String> end = StubMail.statuses(jdbi, receipts);
            System.out.printf("SIGTERM with %d receipts in flight (3 s each); after the stop: %s%n", inFlight.size(), new TreeMap<>(end));
            for (String receipt : inFlight) {
                assertThat(end.get(receipt)).as("%s was in flight at SIGTERM; SendGrid answered 202 within the shutdown timeout", receipt)
                        .isEqualTo("sent");
            }
        }
    }

    @Test
    @Order(4)
    void aPasswordResetOvertakesA50000RecipientNewsletter() throws Exception {
        Jdbi jdbi = db.jdbi();
        try (SendGridStub sendgrid = new SendGridStub()) {
            sendgrid.delayMillis(100);
            // 50 batches at 2 requests/s: the newsletter alone takes 25 s. What is asserted is order, not
            // time (a loaded CI machine slows both): queued behind the newsletter, the reset would wait
            // for every remaining batch; ahead of it, it passes after a few.
            Map<String, String> env = MailWorkers.env(db, sendgrid, 2);
            UUID newsletter;
            try (KoomyProcess worker = MailWorkers.worker("email-fair-worker", env)) {
                newsletter = MailWorkers.enqueueNewsletter(jdbi, 50_000);
                int total = 50_000 / Newsletters.BATCH_SIZE;

                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                        .until(() -> keys.newsletterRequests(sendgrid).size() >= 2);
                int batchesBefore = keys.newsletterRequests(sendgrid).size();

                Instant queuedAt = Instant.now();
                String reset = MailWorkers.enqueue(jdbi, EmailTemplate.PASSWORD_RESET, "impatient@example.org", "password-reset");
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                        .until(() -> sendgrid.requests().stream().anyMatch(r -> reset.equals(keys.key(r))));
                Instant receivedAt = keys.firstArrival(sendgrid.requests(), reset);
                Duration latency = Duration.between(queuedAt, receivedAt);
                long batchesAtArrival = sendgrid.requests().stream()
                        .filter(r -> keys.key(r).startsWith("newsletter:") && !r.getLoggedDate().toInstant().isAfter(receivedAt))
                        .count();
                List<String> batches = keys.newsletterRequests(sendgrid);
                System.out.printf("password reset reached SendGrid %d ms after it was queued, with %d of %d newsletter batches "
                        + "sent before it was queued and %d by the time it arrived%n", latency.toMillis(), batchesBefore, total, batchesAtArrival);

                int remaining = total - batchesBefore;
                assertThat(batchesAtArrival - batchesBefore)
                        .as("newsletter batches that went out between queueing the reset and its arrival (%d were left)", remaining)
                        .isLessThan(remaining / 2);
                assertThat(batches).doesNotHaveDuplicates();
                assertThat(batches).allMatch(k -> k.startsWith("newsletter:" + newsletter + ":"));
            }
            // Cancel the rest, so that no later worker on this database goes on with it.
            jdbi.useTransaction(h -> {
                h.execute("UPDATE emails SET status = 'failed', last_error = 'cancelled by the test' "
                        + "WHERE newsletter_id = ? AND status IN ('queued', 'sending')", newsletter);
                h.execute("DELETE FROM outbox");
            });
        }
    }
}
