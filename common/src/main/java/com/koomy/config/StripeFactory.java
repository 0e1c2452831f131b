package com.koomy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
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
    @JsonProperty public Duration getWebhookTolerance() { return webhookTolerance; }
    @JsonProperty public void setWebhookTolerance(Duration webhookTolerance) { this.webhookTolerance = webhookTolerance; }
    @JsonProperty public DataSize getMaxWebhookBody() { return maxWebhookBody; }
    @JsonProperty public void setMaxWebhookBody(DataSize maxWebhookBody) { this.maxWebhookBody = maxWebhookBody; }

    @Override
    public String toString() {
        // Never print secrets: this object may end up in a log line.
        return "StripeFactory{apiBase=" + apiBase + ", apiKeySet=" + (apiKey != null && !apiKey.isEmpty())
                + ", webhookSecrets=" + webhookSecretList().size() + "}";
    }
}
