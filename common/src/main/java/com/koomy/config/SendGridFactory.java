package com.koomy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotEmpty;

/** SendGrid: with no API key, email goes to the local outbox instead (the email issue builds both). */
public class SendGridFactory {

    private String apiKey;
    @NotEmpty private String baseUrl = "https://api.sendgrid.com";

    public boolean isConfigured() {
        return apiKey != null && !apiKey.isBlank();
    }

    @JsonProperty public String getApiKey() { return apiKey; }
    @JsonProperty public void setApiKey(String apiKey) { this.apiKey = apiKey; }
    @JsonProperty public String getBaseUrl() { return baseUrl; }
    @JsonProperty public void setBaseUrl(String baseUrl) { this.baseUrl = baseUrl; }

    @Override
    public String toString() {
        return "SendGridFactory{baseUrl=" + baseUrl + ", apiKeySet=" + isConfigured() + "}";
    }
}
