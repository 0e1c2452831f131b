package com.koomy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

/** OpenAI: with no API key, AI drafts are refused with an error naming OPENAI_API_KEY. */
public class OpenAiFactory {

    private String apiKey;
    @NotEmpty private String baseUrl = "https://api.openai.com/v1";
    @NotEmpty private String model = "gpt-4o-mini";
    @NotNull private Duration timeout = Duration.seconds(60);
    /**
     * Retries after a draft's first attempt (429, 5xx, timeouts), made by JobRunr with its exponential
     * backoff, not by the SDK: see {@link com.koomy.content.GenerateDraftJob} for why.
     */
    @Min(0) @Max(10) private int maxRetries = 3;
    /** Provider calls per community and UTC day, counted before each call (attempts included). */
    @Min(1) private int dailyRequestBudget = 50;
    /** Tokens (prompt + completion) per community and UTC day; no call starts once it is used up. */
    @Min(1) private long dailyTokenBudget = 100_000;
    /** Provider calls per UTC day for all communities together (the platform's bill), checked beside the above. */
    @Min(1) private int platformDailyRequestBudget = 2_000;
    /** Tokens per UTC day for all communities together. */
    @Min(1) private long platformDailyTokenBudget = 4_000_000;
    /** Caps one completion, so one call cannot overshoot the token budget by much. */
    @Min(16) @Max(16_384) private int maxOutputTokens = 1_500;

    public boolean isConfigured() {
        return apiKey != null && !apiKey.isBlank();
    }

    /**
     * A client for this configuration, with the SDK's own retries off (JobRunr retries). Fails when
     * no API key is set.
     */
    public OpenAIClient build() {
        if (!isConfigured()) {
            throw new IllegalStateException("OpenAI is not configured: set OPENAI_API_KEY (openai.apiKey)");
        }
        return OpenAIOkHttpClient.builder()
                .apiKey(apiKey)
                .baseUrl(baseUrl)
                .timeout(timeout.toJavaDuration())
                .maxRetries(0)
                .build();
    }

    @JsonProperty public String getApiKey() { return apiKey; }
    @JsonProperty public void setApiKey(String apiKey) { this.apiKey = apiKey; }
    @JsonProperty public String getBaseUrl() { return baseUrl; }
    @JsonProperty public void setBaseUrl(String baseUrl) { this.baseUrl = baseUrl; }
    @JsonProperty public String getModel() { return model; }
    @JsonProperty public void setModel(String model) { this.model = model; }
    @JsonProperty public Duration getTimeout() { return timeout; }
    @JsonProperty public void setTimeout(Duration timeout) { this.timeout = timeout; }
    @JsonProperty public int getMaxRetries() { return maxRetries; }
    @JsonProperty public void setMaxRetries(int maxRetries) { this.maxRetries = maxRetries; }
    @JsonProperty public int getDailyRequestBudget() { return dailyRequestBudget; }
    @JsonProperty public void setDailyRequestBudget(int dailyRequestBudget) { this.dailyRequestBudget = dailyRequestBudget; }
    @JsonProperty public long getDailyTokenBudget() { return dailyTokenBudget; }
    @JsonProperty public int getPlatformDailyRequestBudget() { return platformDailyRequestBudget; }
    @JsonProperty public void setPlatformDailyRequestBudget(int budget) { this.platformDailyRequestBudget = budget; }
    @JsonProperty public long getPlatformDailyTokenBudget() { return platformDailyTokenBudget; }
    @JsonProperty public void setPlatformDailyTokenBudget(long budget) { this.platformDailyTokenBudget = budget; }
    @JsonProperty public void setDailyTokenBudget(long dailyTokenBudget) { this.dailyTokenBudget = dailyTokenBudget; }
    @JsonProperty public int getMaxOutputTokens() { return maxOutputTokens; }
    @JsonProperty public void setMaxOutputTokens(int maxOutputTokens) { this.maxOutputTokens = maxOutputTokens; }

    @Override
    public String toString() {
        return "OpenAiFactory{baseUrl=" + baseUrl + ", model=" + model + ", apiKeySet=" + isConfigured() + "}";
    }
}
