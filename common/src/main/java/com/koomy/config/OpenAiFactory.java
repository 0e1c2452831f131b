package com.koomy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

/** OpenAI: with no API key, AI drafts are refused with an error naming OPENAI_API_KEY. */
public class OpenAiFactory {

    private String apiKey;
    @NotEmpty private String baseUrl = "https://api.openai.com/v1";
    @NotEmpty private String model = "gpt-4o-mini";
    @NotNull private Duration timeout = Duration.seconds(60);

    public boolean isConfigured() {
        return apiKey != null && !apiKey.isBlank();
    }

    @JsonProperty public String getApiKey() { return apiKey; }
    @JsonProperty public void setApiKey(String apiKey) { this.apiKey = apiKey; }
    @JsonProperty public String getBaseUrl() { return baseUrl; }
    @JsonProperty public void setBaseUrl(String baseUrl) { this.baseUrl = baseUrl; }
    @JsonProperty public String getModel() { return model; }
    @JsonProperty public void setModel(String model) { this.model = model; }
    @JsonProperty public Duration getTimeout() { return timeout; }
    @JsonProperty public void setTimeout(Duration timeout) { this.timeout = timeout; }

    @Override
    public String toString() {
        return "OpenAiFactory{baseUrl=" + baseUrl + ", model=" + model + ", apiKeySet=" + isConfigured() + "}";
    }
}
