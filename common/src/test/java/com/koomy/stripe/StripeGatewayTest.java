package com.koomy.stripe;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.koomy.config.RedisKeys;
import com.koomy.config.StripeFactory;
import com.koomy.errors.ApiException;
import com.koomy.testing.StripeStub;
import com.koomy.testing.StripeTestEvents;
import com.koomy.testing.TestRedis;
import io.dropwizard.util.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one outbound Stripe client: retries on 429/5xx with the same idempotency key, a shared rate limit. */
class StripeGatewayTest {

    @RegisterExtension
    static StripeStub stripe = new StripeStub();
    private static final UnifiedJedis REDIS = TestRedis.client();

    @BeforeEach
    void reset() {
        stripe.reset();
    }

    private StripeGateway gateway(int perSecond, RedisKeys keys) {
        StripeFactory config = new StripeFactory();
        config.setApiKey("sk_test_gateway");
        config.setApiBase(stripe.baseUrl());
        config.setRateLimitPerSecond(perSecond);
        config.setMaxRetries(3);
        config.setRetryBackoff(Duration.milliseconds(50));
        return new StripeGateway(config, REDIS, keys, new MetricRegistry());
    }

    @Test
    void a429AndA500AreRetriedWithTheSameIdempotencyKeyUntilStripeAnswers() {
        stripe.server().stubFor(post(urlPathEqualTo("/v1/customers")).inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(StripeStub.rateLimited()).willSetStateTo("one"));
        stripe.server().stubFor(post(urlPathEqualTo("/v1/customers")).inScenario("busy").whenScenarioStateIs("one")
                .willReturn(StripeStub.serverError()).willSetStateTo("two"));
        stripe.server().stubFor(post(urlPathEqualTo("/v1/customers")).inScenario("busy").whenScenarioStateIs("two")
                .willReturn(StripeStub.ok(StripeTestEvents.object("customer"))));

        JsonNode customer = gateway(25, TestRedis.newKeys())
                .post("/v1/customers", Map.of("name", "Club de voile"), "customer:club-1", null);

        assertThat(customer.path("id").asText()).isEqualTo("cus_QXg1o8vcGmoR32");
        var calls = stripe.requests("POST", "/v1/customers");
        assertThat(calls).hasSize(3);
        assertThat(calls).allSatisfy(r -> assertThat(r.getHeader("Idempotency-Key")).isEqualTo("customer:club-1"));
        assertThat(calls.get(0).getBodyAsString()).isEqualTo("name=Club+de+voile");
    }

    @Test
    void aRefusalIsNotRetriedAndSaysWhatStripeSaid() {
        stripe.server().stubFor(post(urlPathEqualTo("/v1/checkout/sessions")).willReturn(com.github.tomakehurst.wiremock.client.WireMock
                .aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"error\": {\"code\": \"parameter_missing\", \"message\": \"Missing required param: line_items.\", "
                        + "\"param\": \"line_items\", \"type\": \"invalid_request_error\"}}")));

        assertThatThrownBy(() -> gateway(25, TestRedis.newKeys())
                .post("/v1/checkout/sessions", Map.of("mode", "payment"), "k1", "acct_1"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.code()).isEqualTo("stripe_error");
                    assertThat(StripeGateway.retryable(e)).isFalse();
                    assertThat(e.getMessage()).contains("400 Missing required param");
                });
        assertThat(stripe.requests("POST", "/v1/checkout/sessions")).hasSize(1)
                .allSatisfy(r -> assertThat(r.getHeader("Stripe-Account")).isEqualTo("acct_1"));
    }

    @Test
    void twoProcessesTogetherStayUnderTheSharedLimit() throws Exception {
        RedisKeys keys = TestRedis.newKeys(); // one stack: the same prefix in both processes
        List<StripeGateway> workers = List.of(gateway(4, keys), gateway(4, keys));
        ExecutorService pool = Executors.newFixedThreadPool(12);
        long start = System.nanoTime();
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            StripeGateway worker = workers.get(i % 2);
            calls.add(pool.submit(() -> worker.get("/v1/events", Map.of("limit", "1"), null)));
        }
        for (Future<?> call : calls) {
            call.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        // 16 calls at 4 per Redis second need 4 distinct seconds: more than 2 s, whatever the start.
        assertThat(seconds).isGreaterThan(2.0);
        assertThat(stripe.requests("GET", "/v1/events")).hasSize(16);
        // ...and no wall-clock second of the stub saw more than two Redis seconds' worth: the limiter's windows are
        // Redis seconds, which a wall-clock second of the stub overlaps two of (a loaded machine delays calls
        // admitted late in one window into the next wall second; 6 was seen). Without the limiter all 16 would
        // arrive within a fraction of a second, which the duration above rules out.
        var perSecond = stripe.requests("GET", "/v1/events").stream()
                .collect(java.util.stream.Collectors.groupingBy(r -> r.getLoggedDate().getTime() / 1000, java.util.stream.Collectors.counting()));
        assertThat(perSecond.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(8));
    }

    @Test
    void withoutAKeyNothingIsCalledAndTheErrorNamesTheSetting() {
        StripeFactory config = new StripeFactory();
        config.setApiBase(stripe.baseUrl());
        StripeGateway none = new StripeGateway(config, REDIS, TestRedis.newKeys(), new MetricRegistry());
        assertThat(none.isConfigured()).isFalse();
        assertThatThrownBy(() -> none.get("/v1/events", Map.of(), null)).isInstanceOf(ApiException.class)
                .hasMessageContaining("STRIPE_API_KEY");
    }
}
