package com.koomy.stripe;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.config.RedisKeys;
import com.koomy.config.StripeFactory;
import com.koomy.errors.ApiException;
import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.StripeException;
import com.stripe.net.ApiResource;
import com.stripe.net.RawRequestOptions;
import com.stripe.net.StripeResponse;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.UUID;

/**
 * The one way out to Stripe's API, for the API (onboarding links, Checkout) and the workers (re-fetches,
 * reconciliation). Every call:
 * <ul>
 *   <li>takes a token from a rate limit shared by all processes through Redis (R10: at most
 *   {@code stripe.rateLimitPerSecond} calls in any second of Redis's clock), waiting for the next
 *   second rather than failing;</li>
 *   <li>carries an idempotency key on every POST (the caller names it after what it creates), so a
 *   retry, or a second request of the same thing, never creates two objects at Stripe;</li>
 *   <li>is retried on 429, 5xx and connection failures with exponential backoff and jitter
 *   (resilience4j), stripe-java's own retries being off so that each attempt passes the limiter.</li>
 * </ul>
 * Requests are made with stripe-java's raw request support, so answers are read as Stripe's JSON
 * (which our stub serves from Stripe's own example objects) rather than through model classes.
 */
public class StripeGateway {

    private static final Logger LOG = LoggerFactory.getLogger(StripeGateway.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StripeClient client;
    private final StripeCallSlots slots;
    private final Retry retry;
    private final Timer calls;
    private final Meter retries;
    private volatile StripeQuota quota = StripeQuota.NONE;

    /** {@code keys}: the stack's, so the API and the workers share one limit. */
    public StripeGateway(StripeFactory config, UnifiedJedis redis, RedisKeys keys, MetricRegistry metrics) {
        this.client = config.isConfigured() ? StripeClient.builder()
                .setApiKey(config.getApiKey())
                .setApiBase(config.getApiBase())
                .setConnectBase(config.getApiBase())
                .setMaxNetworkRetries(0)
                .setConnectTimeout((int) config.getConnectTimeout().toMilliseconds())
                .setReadTimeout((int) config.getReadTimeout().toMilliseconds())
                .build() : null;
        this.slots = new StripeCallSlots(config, redis, keys, metrics);
        this.retries = metrics.meter("koomy.stripe.retries");
        this.calls = metrics.timer("koomy.stripe.calls");
        this.retry = Retry.of("stripe", RetryConfig.custom()
                .maxAttempts(config.getMaxRetries() + 1)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
                        config.getRetryBackoff().toJavaDuration(), 2.0, 0.5, Duration.ofSeconds(30)))
                .retryOnException(StripeGateway::retryable)
                .build());
        retry.getEventPublisher().onRetry(event -> {
            retries.mark();
            LOG.warn("Stripe call failed ({}); retry {} in {} ms", diagnostic(event.getLastThrowable()),
                    event.getNumberOfRetryAttempts(), event.getWaitInterval().toMillis());
        });
    }

    public boolean isConfigured() {
        return client != null;
    }

    /** What calls made on a user's behalf ({@link #postFor}) count against; the API sets it, workers keep none. */
    public void limitCallsOnBehalf(StripeQuota quota) {
        this.quota = quota;
    }

    /**
     * {@link #post}, made for {@code accountId} of {@code communityId} while they wait: counted against the
     * per-community and per-account limits first (nothing is sent when over one).
     */
    public JsonNode postFor(UUID communityId, UUID accountId, String path, Map<String, String> form, String idempotencyKey,
                            String account) {
        if (client == null) {
            throw notConfigured();
        }
        quota.take(communityId, accountId);
        return post(path, form, idempotencyKey, account);
    }

    /** POST a form to {@code path} ({@code /v1/...}); {@code account}: act on a connected account (Stripe-Account). */
    public JsonNode post(String path, Map<String, String> form, String idempotencyKey, String account) {
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            throw new IllegalArgumentException("every POST to Stripe carries an idempotency key");
        }
        return call(ApiResource.RequestMethod.POST, path, encode(form), idempotencyKey, account, false);
    }

    /** GET {@code path} with query parameters; empty when Stripe answers 404. */
    public Optional<JsonNode> find(String path, Map<String, String> query, String account) {
        String encoded = encode(query);
        return Optional.ofNullable(call(ApiResource.RequestMethod.GET, encoded.isEmpty() ? path : path + "?" + encoded,
                null, null, account, true));
    }

    public JsonNode get(String path, Map<String, String> query, String account) {
        String encoded = encode(query);
        return call(ApiResource.RequestMethod.GET, encoded.isEmpty() ? path : path + "?" + encoded, null, null, account, false);
    }

    /** {@code absentIsNull}: a 404 from Stripe is null, not a failure. */
    private JsonNode call(ApiResource.RequestMethod method, String path, String body, String idempotencyKey, String account,
                          boolean absentIsNull) {
        if (client == null) {
            throw notConfigured();
        }
        try {
            return Retry.decorateSupplier(retry, () -> once(method, path, body, idempotencyKey, account, absentIsNull)).get();
        } catch (ApiException e) {
            if (!"stripe_busy".equals(e.code())) {
                LOG.warn("Stripe call failed: {}", diagnostic(e));
            }
            throw e;
        }
    }

    private JsonNode once(ApiResource.RequestMethod method, String path, String body, String idempotencyKey, String account,
                          boolean absentIsNull) {
        slots.acquire();
        RawRequestOptions.RawRequestOptionsBuilder options = RawRequestOptions.builder();
        if (idempotencyKey != null) {
            options.setIdempotencyKey(idempotencyKey);
        }
        if (account != null) {
            options.setStripeAccount(account);
        }
        try (Timer.Context ignored = calls.time()) {
            StripeResponse response = client.rawRequest(method, path, body, options.build());
            if (absentIsNull && response.code() == 404) {
                return null;
            }
            if (response.code() < 200 || response.code() >= 300) {
                throw failure(response.code(), method + " " + pathOnly(path) + ": ", response.body());
            }
            return JSON.readTree(response.body());
        } catch (StripeException e) {
            int status = e instanceof ApiConnectionException || e.getStatusCode() == null ? 0 : e.getStatusCode();
            if (absentIsNull && status == 404) {
                return null;
            }
            throw failed(status, method + " " + pathOnly(path) + ": " + status + " " + e.getMessage(), e);
        } catch (IOException e) {
            throw failed(0, method + " " + pathOnly(path) + ": unreadable answer", e);
        }
    }

    private static ApiException failure(int status, String what, String body) {
        String message = body;
        try {
            message = JSON.readTree(body).path("error").path("message").asText(body);
        } catch (IOException | RuntimeException e) {
            // not JSON: keep the body as the message
        }
        return failed(status, what + status + " " + message, null);
    }

    /**
     * A Stripe call that did not succeed, as the API answers it: 503 {@code stripe_unavailable} when Stripe's
     * status ({@code stripeStatus}, 0 without an answer) was 429, 5xx or none (the same call may be made again
     * with the same idempotency key), else 502 {@code stripe_error}. {@code diagnostic} (method, path, Stripe's
     * status and message) is the cause's message: in the logs, and in the 502's message as before.
     */
    static ApiException failed(int stripeStatus, String diagnostic, Throwable cause) {
        RuntimeException why = new IllegalStateException(diagnostic, cause);
        return stripeStatus == 0 || stripeStatus == 429 || stripeStatus >= 500
                ? new ApiException(503, "stripe_unavailable", "Stripe is unavailable; try again shortly", null, 0, why)
                : new ApiException(502, "stripe_error", "Stripe refused the request: " + diagnostic, null, 0, why);
    }

    /** 503 {@code stripe_not_configured}: thrown before any call when STRIPE_API_KEY is empty. */
    public static ApiException notConfigured() {
        return new ApiException(503, "stripe_not_configured", "this needs Stripe: STRIPE_API_KEY is not set");
    }

    /**
     * 503 {@code stripe_busy} with Retry-After: no slot of the shared Stripe limit came free within
     * {@code stripe.maxLimitWait}; the call was not made, and is not retried by the gateway (the caller holds a thread).
     */
    public static ApiException busy(String why, long retryAfterSeconds) {
        return new ApiException(503, "stripe_busy", "Stripe calls are at the platform's limit; retry in "
                + retryAfterSeconds + " s", null, retryAfterSeconds, new IllegalStateException(why));
    }

    /** Whether {@code e} is a failed Stripe call that may be made again with the same idempotency key. */
    public static boolean retryable(Throwable e) {
        return e instanceof ApiException a && "stripe_unavailable".equals(a.code());
    }

    /** Whether {@code e} is a Stripe call that failed or could not be made (not configured, unavailable, refused). */
    public static boolean failed(Throwable e) {
        return e instanceof ApiException a && a.code() != null && a.code().startsWith("stripe_") && !"stripe_busy".equals(a.code());
    }

    /** What went wrong with a Stripe call, for logs: Stripe's own words when it answered. */
    public static String diagnostic(Throwable e) {
        return e instanceof ApiException && e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
    }

    private static String pathOnly(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    /** Stripe's form encoding; keys are already in bracket form ({@code metadata[community_id]}). */
    static String encode(Map<String, String> params) {
        if (params == null || params.isEmpty()) {
            return "";
        }
        StringJoiner out = new StringJoiner("&");
        params.forEach((k, v) -> {
            if (v != null) {
                out.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return out.toString();
    }
}
