package com.koomy.worker.e2e;

import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.koomy.email.EmailMessage;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailTemplate;
import com.koomy.email.Recipient;
import com.koomy.testing.ApiHttp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.SendGridStub;
import com.koomy.testing.StripeStub;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ops/chaos slow-providers}: the SendGrid and Stripe stubs answer normally, then slowly (SendGrid after
 * 8 s, under the worker's 20-s request timeout; Stripe after 25 s, beyond the API's 20-s read timeout), then
 * 5xx, then 429, then normally again. In each phase receipts and password resets are queued and a community
 * is connected to Stripe through the API; a prober asks a public page and {@code /api/health} every 0.2 s.
 * Unrelated routes stay fast, the API fails Stripe calls cleanly, deliveries are retried with their backoff,
 * and nothing is lost or done twice: every email accepted exactly once by the stub (its request journal), one
 * idempotency key and one account per community.
 */
@Tag("chaos")
class SlowProvidersChaosIT {

    private static final int PER_PHASE = Integer.getInteger("koomy.chaos.providerEmails", 10);
    private static final long SLOW = Long.getLong("koomy.chaos.slowPhaseSeconds", 25);
    private static final long ERRORS = Long.getLong("koomy.chaos.errorPhaseSeconds", 20);
    private static final long LIMITED = Long.getLong("koomy.chaos.limitPhaseSeconds", 15);
    private static final int MAIL_DELAY_MS = 8000;
    private static final int STRIPE_DELAY_MS = 25_000;
    private static final String PASSWORD = "chaos correct horse";

    private record Connect(String phase, String communityId, int status, long ms) {
    }

    @Test
    void slowAndFailingProvidersNeitherSlowTheApiNorLoseOrRepeatAnything() throws Exception {
        try (SendGridStub sendgrid = new SendGridStub(); Closing stripeStub = new Closing(new StripeStub())) {
            StripeStub stripe = stripeStub.stub;
            stripe.server().stubFor(post(urlPathEqualTo("/v1/accounts")).willReturn(StripeStub.ok(
                    StripeStub.account("acct_chaos{{randomValue length=12 type='ALPHANUMERIC'}}", false, false, List.of("external_account")))));
            Map<String, String> env = Map.of("SENDGRID_API_KEY", "SG.chaos-not-a-secret", "SENDGRID_BASE_URL", sendgrid.baseUrl(),
                    "SENDGRID_REQUEST_TIMEOUT", "20s", "STRIPE_API_KEY", "sk_test_chaos_not_a_secret", "STRIPE_API_BASE", stripe.baseUrl());
            try (ChaosStack stack = ChaosStack.start("slow-providers", 1, false, 0, env); Probes probes = new Probes()) {
                ChaosReport report = stack.report();
                int port = stack.apiPort;
                assertThat(ApiHttp.call(port, "POST", "/api/auth/register", null,
                        Map.of("email", "owner@example.org", "password", PASSWORD, "name", "Chaos", "locale", "en")).status()).isEqualTo(201);
                String token = ApiHttp.call(port, "POST", "/api/auth/login", null,
                        Map.of("email", "owner@example.org", "password", PASSWORD)).body().get("token").asText();
                String page = "/api/communities/" + community(port, token, "Chaos Club");
                for (int i = 0; i < 3; i++) {
                    ApiHttp.call(port, "GET", page, null, null);
                }
                probes.every("page", Duration.ofMillis(200), () -> Probes.status(port, "GET", page, null, null))
                        .every("health", Duration.ofMillis(200), () -> Probes.status(port, "GET", "/api/health", null, null));
                List<String> receipts = new ArrayList<>();
                List<String> resets = new ArrayList<>();
                List<CompletableFuture<Connect>> connects = new ArrayList<>();

                // The first requests of a fresh JVM are slow (class loading, JIT): 15 s of warm-up are not measured.
                traffic(stack, "ok", receipts, resets, connects, token);
                Thread.sleep(15_000);
                long tBase = System.currentTimeMillis();
                Thread.sleep(20_000);
                long tSlow = System.currentTimeMillis();
                sendgrid.accept(MAIL_DELAY_MS);
                StubMapping stripeFault = stripe.server().stubFor(post(urlPathEqualTo("/v1/accounts")).atPriority(1)
                        .willReturn(StripeStub.ok(StripeStub.account("acct_chaos_late", false, false, List.of()))
                                .withFixedDelay(STRIPE_DELAY_MS)));
                traffic(stack, "slow", receipts, resets, connects, token);
                Thread.sleep(SLOW * 1000);
                long t5xx = System.currentTimeMillis();
                sendgrid.serverError();
                stripe.server().removeStub(stripeFault);
                stripeFault = stripe.server().stubFor(post(urlPathEqualTo("/v1/accounts")).atPriority(1).willReturn(StripeStub.serverError()));
                traffic(stack, "5xx", receipts, resets, connects, token);
                Thread.sleep(ERRORS * 1000);
                long t429 = System.currentTimeMillis();
                sendgrid.rateLimitedFor(5);
                stripe.server().removeStub(stripeFault);
                stripeFault = stripe.server().stubFor(post(urlPathEqualTo("/v1/accounts")).atPriority(1).willReturn(StripeStub.rateLimited()));
                traffic(stack, "429", receipts, resets, connects, token);
                Thread.sleep(LIMITED * 1000);
                long tOk = System.currentTimeMillis();
                sendgrid.accept();
                stripe.server().removeStub(stripeFault);

                List<String> all = new ArrayList<>(receipts);
                all.addAll(resets);
                long settled = awaitSettled(stack, all, Duration.ofMinutes(3));
                List<Connect> tries = connects.stream().map(CompletableFuture::join).toList();
                // The owner asks again once Stripe answers: the same idempotency key, one account per community.
                long againOk = tries.stream().filter(c -> c.status() != 200)
                        .filter(c -> connect(port, token, c.phase(), c.communityId()).status() == 200).count();
                long failedTries = tries.stream().filter(c -> c.status() != 200).count();
                probes.close();

                List<Probes.Answer> pageBefore = probes.of("page", tBase, tSlow);
                List<Probes.Answer> pageDuring = probes.of("page", tSlow, tOk);
                List<Probes.Answer> healthBefore = probes.of("health", tBase, tSlow);
                List<Probes.Answer> healthDuring = probes.of("health", tSlow, tOk);
                List<StubMail.Call> calls = StubMail.calls(sendgrid);
                Backoff backoff = Backoff.of(calls);
                Map<String, Long> accepted = StubMail.acceptedByKey(sendgrid);
                long once = all.stream().filter(k -> accepted.getOrDefault(k, 0L) == 1).count();
                long twice = all.stream().filter(k -> accepted.getOrDefault(k, 0L) > 1).count();
                Map<String, Long> states = StubMail.states(stack.db, all);
                List<LoggedRequest> accountPosts = stripe.requests("POST", "/v1/accounts");
                Map<String, Long> keys = accountPosts.stream().collect(Collectors.groupingBy(
                        r -> r.getHeaders().getHeader("Idempotency-Key").isPresent() ? r.getHeader("Idempotency-Key") : "", Collectors.counting()));
                Set<String> communities = tries.stream().map(Connect::communityId).collect(Collectors.toSet());
                long keyedRight = communities.stream().filter(c -> keys.containsKey("connect-account:" + c)).count();
                long accounts = stack.db.withHandle(h -> h.createQuery("SELECT count(DISTINCT community_id) FROM stripe_connect_accounts")
                        .mapTo(Long.class).one());

                report.figure("phases", "baseline 20 s, SendGrid after " + MAIL_DELAY_MS / 1000 + " s and Stripe after "
                        + STRIPE_DELAY_MS / 1000 + " s for " + ChaosReport.secs(tSlow, t5xx) + ", 5xx " + ChaosReport.secs(t5xx, t429)
                        + ", 429 " + ChaosReport.secs(t429, tOk) + ", then normal; emails settled " + ChaosReport.secs(tOk, settled) + " after");
                report.figure("public page median: before / during", Probes.median(pageBefore) + " / " + Probes.median(pageDuring) + " ms; during "
                        + Probes.summary(pageDuring));
                report.figure("/api/health median: before / during", Probes.median(healthBefore) + " / " + Probes.median(healthDuring) + " ms; during "
                        + Probes.summary(healthDuring));
                report.figure("SendGrid requests by answer", calls.stream().collect(Collectors.groupingBy(StubMail.Call::status,
                        TreeMap::new, Collectors.counting())));
                report.figure("SendGrid retries after a 5xx", backoff.after5xx + " (an email's n-th 5xx, at most "
                        + backoff.most5xx + " for one); sooner than 3^n s: " + backoff.early5xx);
                report.figure("SendGrid retries after a 429", backoff.after429 + "; before its X-RateLimit-Reset: " + backoff.early429);
                report.figure("emails at the stub: once / twice+", once + " / " + twice + " of " + all.size());
                report.figure("emails: sent / held / pending / failed", states.getOrDefault("sent", 0L) + " / " + states.getOrDefault("held", 0L)
                        + " / " + states.getOrDefault("pending", 0L) + " / " + states.getOrDefault("failed", 0L));
                report.figure("Stripe connect through the API", tries.stream().map(c -> c.phase() + " " + c.status() + " in "
                        + String.format("%.1f s", c.ms() / 1000.0)).collect(Collectors.joining("; ")) + "; asked again once Stripe answered: "
                        + againOk + "/" + failedTries + " 200");
                report.figure("Stripe POST /v1/accounts", accountPosts.size() + " requests under " + keys.size() + " idempotency keys; accounts stored: "
                        + accounts + " for " + communities.size() + " communities");

                report.check("unrelated routes: median within 2x of the baseline (or +10 ms), every answer 2xx",
                        fast(pageBefore, pageDuring) && fast(healthBefore, healthDuring));
                report.check("the API fails Stripe calls cleanly: a 5xx or 429 answered within 5 s, a slow Stripe within its 20-s "
                        + "read timeout + 5 s, never 2xx for an account not created", tries.stream().allMatch(SlowProvidersChaosIT::clean));
                report.check("SendGrid 5xx: retried, some emails up to a 2nd failure, none sooner than 3^n s after its n-th",
                        backoff.after5xx > 0 && backoff.most5xx >= 2 && backoff.early5xx == 0);
                report.check("SendGrid 429: retried, none before the X-RateLimit-Reset it gave", backoff.after429 > 0 && backoff.early429 == 0);
                report.check("every email (receipt or password reset) accepted exactly once by the stub and sent, none pending",
                        once == all.size() && states.getOrDefault("sent", 0L) == all.size() && settled != 0);
                report.check("Stripe: one idempotency key per community, every POST keyed, one account per community once Stripe answers",
                        keyedRight == communities.size() && keys.size() == communities.size() && !keys.containsKey("")
                                && againOk == failedTries && accounts == communities.size());
                report.assertAllPassed("the SendGrid and Stripe stubs answered slowly for " + SLOW + " s (SendGrid after "
                        + MAIL_DELAY_MS / 1000 + " s, Stripe after " + STRIPE_DELAY_MS / 1000 + " s), then 5xx for " + ERRORS
                        + " s, then 429 for " + LIMITED + " s, while " + PER_PHASE + " receipts and " + PER_PHASE + " password resets "
                        + "were queued and a community connected to Stripe in each phase, and a prober asked a public page and "
                        + "/api/health every 0.2 s");
            }
        }
    }

    /** One phase's traffic: receipts and password resets queued, a new community connected to Stripe (in the background). */
    private static void traffic(ChaosStack stack, String phase, List<String> receipts, List<String> resets,
                                List<CompletableFuture<Connect>> connects, String token) {
        stack.db.useTransaction(h -> {
            for (int i = 0; i < PER_PHASE; i++) {
                String receipt = "receipt:" + phase + ":" + UUID.randomUUID();
                receipts.add(receipt);
                EmailOutbox.enqueue(h, EmailMessage.to(Recipient.of("payer-" + phase + "-" + i + "@example.org"),
                        EmailTemplate.PAYMENT_RECEIPT, "en", Map.of("recipientName", "Payer " + i, "communityName", "Chaos Club",
                                "amount", "25.00", "currency", "EUR", "paidAt", "2026-12-06", "description", "Cotisation",
                                "receiptNumber", "R-" + phase + "-" + i), null, receipt));
                String reset = "reset:" + phase + ":" + UUID.randomUUID();
                resets.add(reset);
                EmailOutbox.enqueue(h, EmailMessage.to(Recipient.of("forgetful-" + phase + "-" + i + "@example.org"),
                        EmailTemplate.PASSWORD_RESET, "en", Map.of("resetUrl", "https://koomy.test/reset?t=" + reset,
                                "expiresInMinutes", 30), null, reset));
            }
        });
        String communityId = community(stack.apiPort, token, "Chaos " + phase);
        connects.add(CompletableFuture.supplyAsync(() -> connect(stack.apiPort, token, phase, communityId)));
    }

    private static String community(int port, String token, String name) {
        ApiReply created = ApiHttp.call(port, "POST", "/api/communities", token,
                Map.of("name", name, "description", "a public community", "visibility", "public"));
        assertThat(created.status()).isEqualTo(201);
        return created.body().get("id").asText();
    }

    private static Connect connect(int port, String token, String phase, String communityId) {
        long start = System.currentTimeMillis();
        int status = ApiHttp.call(port, "POST", "/api/communities/" + communityId + "/stripe/connect", token, null).status();
        return new Connect(phase, communityId, status, System.currentTimeMillis() - start);
    }

    private static boolean clean(Connect c) {
        return switch (c.phase()) {
            case "ok" -> c.status() == 200;
            case "slow" -> c.status() >= 500 && c.ms() <= 25_000;
            // 5 s: no wait on Stripe (maxRetries 0), but a loaded 2-core machine shared by several builds.
            default -> c.status() >= 500 && c.ms() <= 5_000;
        };
    }

    /** Waits until none of these emails is queued or in a lease (pending) and no delivery job is unfinished. */
    private static long awaitSettled(ChaosStack stack, List<String> keys, Duration atMost) throws InterruptedException {
        long deadline = System.currentTimeMillis() + atMost.toMillis();
        while (System.currentTimeMillis() < deadline) {
            long jobs = stack.db.withHandle(h -> h.createQuery("SELECT count(*) FROM jobrunr.jobrunr_jobs WHERE jobsignature LIKE "
                    + "'%SendEmail%' AND state IN ('ENQUEUED', 'PROCESSING', 'SCHEDULED', 'AWAITING')").mapTo(Long.class).one());
            Map<String, Long> states = StubMail.states(stack.db, keys);
            if (jobs == 0 && states.getOrDefault("pending", 0L) == 0 && states.values().stream().mapToLong(Long::longValue).sum() == keys.size()) {
                return System.currentTimeMillis();
            }
            Thread.sleep(1000);
        }
        return 0;
    }

    private static boolean fast(List<Probes.Answer> before, List<Probes.Answer> during) {
        long b = Probes.median(before);
        long d = Probes.median(during);
        return !before.isEmpty() && !during.isEmpty() && during.stream().allMatch(Probes.Answer::ok) && (d <= 2 * b || d <= b + 10);
    }

    /** The Stripe stub is a JUnit extension (stopped after all); here it is stopped with the test. */
    private record Closing(StripeStub stub) implements AutoCloseable {
        @Override
        public void close() {
            stub.server().stop();
        }
    }
}
