package com.koomy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import java.util.Arrays;
import java.util.List;

/**
 * Stripe: API key and base URL for calls out, signing secrets for webhooks in. The secrets are a
 * comma-separated list so that the old and the new secret both verify during a rotation.
 */
public class StripeFactory {

    private String apiKey;
    @NotEmpty private String apiBase = "https://api.stripe.com";
    private String webhookSecrets = "";
    @NotNull private Duration webhookTolerance = Duration.seconds(300);
    @NotNull private DataSize maxWebhookBody = DataSize.mebibytes(1);
    /** API only: threads storing received events, each a batch of whatever arrived meanwhile per commit. */
    @Min(1) @Max(16) private int webhookWriters = 2;
    @Min(1) @Max(1000) private int webhookBatch = 200;
    /** Events waiting for a writer before deliveries answer 503 at once. */
    @Min(1) private int webhookQueue = 10000;
    /** How long a delivery waits for its commit before answering 503 (Stripe retries). */
    @NotNull private Duration webhookStoreTimeout = Duration.seconds(10);
    /** Events whose livemode differs are refused, never applied (a test key's events on a live stack). */
    private boolean livemode = false;
    /** Outbound calls per second across every process together (R10); Stripe's test-mode limit is 25. */
    @Min(1) private int rateLimitPerSecond = 25;
    /**
     * Longest wait for a slot of the shared limit before a call gives up: short in the API (a request thread
     * waits; it answers 503 stripe_busy with Retry-After instead), long in the workers (a job waits).
     */
    @NotNull private Duration maxLimitWait = Duration.seconds(30);
    /** Retries of a call answered 429 or 5xx, or not answered; backoff from retryBackoff, doubling, jittered. */
    @Min(0) @Max(10) private int maxRetries = 4;
    @NotNull private Duration retryBackoff = Duration.milliseconds(500);
    @NotNull private Duration connectTimeout = Duration.seconds(5);
    @NotNull private Duration readTimeout = Duration.seconds(20);

    /** The configured signing secrets, blanks dropped; empty when none is set. */
    public List<String> webhookSecretList() {
        return Arrays.stream(webhookSecrets == null ? new String[0] : webhookSecrets.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    @JsonProperty public String getApiKey() { return apiKey; }
    @JsonProperty public void setApiKey(String apiKey) { this.apiKey = apiKey; }
    @JsonProperty public String getApiBase() { return apiBase; }
    @JsonProperty public void setApiBase(String apiBase) { this.apiBase = apiBase; }
    @JsonProperty public String getWebhookSecrets() { return webhookSecrets; }
    @JsonProperty public void setWebhookSecrets(String webhookSecrets) { this.webhookSecrets = webhookSecrets; }
    @JsonProperty public Duration getMaxLimitWait() { return maxLimitWait; }
    @JsonProperty public void setMaxLimitWait(Duration maxLimitWait) { this.maxLimitWait = maxLimitWait; }
    @JsonProperty public Duration getWebhookTolerance() { return webhookTolerance; }
    @JsonProperty public void setWebhookTolerance(Duration webhookTolerance) { this.webhookTolerance = webhookTolerance; }
    @JsonProperty public DataSize getMaxWebhookBody() { return maxWebhookBody; }
    @JsonProperty public int getWebhookWriters() { return webhookWriters; }
    @JsonProperty public void setWebhookWriters(int webhookWriters) { this.webhookWriters = webhookWriters; }
    @JsonProperty public int getWebhookBatch() { return webhookBatch; }
    @JsonProperty public void setWebhookBatch(int webhookBatch) { this.webhookBatch = webhookBatch; }
    @JsonProperty public int getWebhookQueue() { return webhookQueue; }
    @JsonProperty public void setWebhookQueue(int webhookQueue) { this.webhookQueue = webhookQueue; }
    @JsonProperty public Duration getWebhookStoreTimeout() { return webhookStoreTimeout; }
    @JsonProperty public void setWebhookStoreTimeout(Duration webhookStoreTimeout) { this.webhookStoreTimeout = webhookStoreTimeout; }
    @JsonProperty public void setMaxWebhookBody(DataSize maxWebhookBody) { this.maxWebhookBody = maxWebhookBody; }

    public boolean isConfigured() { return apiKey != null && !apiKey.isBlank(); }
    @JsonProperty public boolean isLivemode() { return livemode; }
    @JsonProperty public void setLivemode(boolean livemode) { this.livemode = livemode; }
    @JsonProperty public int getRateLimitPerSecond() { return rateLimitPerSecond; }
    @JsonProperty public void setRateLimitPerSecond(int rateLimitPerSecond) { this.rateLimitPerSecond = rateLimitPerSecond; }
    @JsonProperty public int getMaxRetries() { return maxRetries; }
    @JsonProperty public void setMaxRetries(int maxRetries) { this.maxRetries = maxRetries; }
    @JsonProperty public Duration getRetryBackoff() { return retryBackoff; }
    @JsonProperty public void setRetryBackoff(Duration retryBackoff) { this.retryBackoff = retryBackoff; }
    @JsonProperty public Duration getConnectTimeout() { return connectTimeout; }
    @JsonProperty public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
    @JsonProperty public Duration getReadTimeout() { return readTimeout; }
    @JsonProperty public void setReadTimeout(Duration readTimeout) { this.readTimeout = readTimeout; }

    @Override
    public String toString() {
        // Never print secrets: this object may end up in a log line.
        return "StripeFactory{apiBase=" + apiBase + ", apiKeySet=" + (apiKey != null && !apiKey.isEmpty())
                + ", webhookSecrets=" + webhookSecretList().size() + "}";
    }
}
