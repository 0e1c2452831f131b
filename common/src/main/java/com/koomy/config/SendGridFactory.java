package com.koomy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

/**
 * SendGrid: with no API key, email goes to the local sink (readable at {@code GET /api/ops/outbox})
 * instead. The rate limit is shared by every worker through Redis (R10).
 */
public class SendGridFactory {

    private String apiKey;
    @NotEmpty private String baseUrl = "https://api.sendgrid.com";
    /** The event webhook's verification key (base64 ECDSA public key from SendGrid's settings). */
    private String webhookPublicKey;
    @NotEmpty @Email private String fromEmail = "no-reply@koomy.local";
    @NotEmpty private String fromName = "Koomy";
    /** Requests per second to SendGrid, all workers together (the analysis' figure is 5). */
    @Min(1) private int rateLimitPerSecond = 5;
    /**
     * How long we wait for SendGrid's answer to a request it has received. Longer than the slowest
     * answer with which SendGrid may still accept the mail: mail/send has no idempotency key, so a
     * request we give up on may have been accepted, and sending it again sends the email twice.
     */
    @NotNull private Duration requestTimeout = Duration.seconds(60);
    /**
     * Connecting, and waiting for a pooled connection: a failure there means the request never left,
     * so it is retried without any risk of a second copy.
     */
    @NotNull private Duration connectTimeout = Duration.seconds(10);
    /**
     * An attempt that may have died in SendGrid's hands is held until SendGrid's event webhook brings an
     * event for it (then it is sent) or, this long after, sent again if the webhook has meanwhile brought
     * processed events of later mail but none for it. 0, or no {@link #webhookPublicKey}: an operator decides.
     */
    @NotNull private Duration unconfirmedResendAfter = Duration.minutes(30);

    public boolean isConfigured() {
        return apiKey != null && !apiKey.isBlank();
    }

    public boolean isWebhookConfigured() {
        return webhookPublicKey != null && !webhookPublicKey.isBlank();
    }

    @JsonProperty public String getApiKey() { return apiKey; }
    @JsonProperty public void setApiKey(String apiKey) { this.apiKey = apiKey; }
    @JsonProperty public String getBaseUrl() { return baseUrl; }
    @JsonProperty public void setBaseUrl(String baseUrl) { this.baseUrl = baseUrl; }
    @JsonProperty public String getWebhookPublicKey() { return webhookPublicKey; }
    @JsonProperty public void setWebhookPublicKey(String webhookPublicKey) { this.webhookPublicKey = webhookPublicKey; }
    @JsonProperty public String getFromEmail() { return fromEmail; }
    @JsonProperty public void setFromEmail(String fromEmail) { this.fromEmail = fromEmail; }
    @JsonProperty public String getFromName() { return fromName; }
    @JsonProperty public void setFromName(String fromName) { this.fromName = fromName; }
    @JsonProperty public int getRateLimitPerSecond() { return rateLimitPerSecond; }
    @JsonProperty public void setRateLimitPerSecond(int rateLimitPerSecond) { this.rateLimitPerSecond = rateLimitPerSecond; }
    @JsonProperty public Duration getRequestTimeout() { return requestTimeout; }
    @JsonProperty public void setRequestTimeout(Duration requestTimeout) { this.requestTimeout = requestTimeout; }
    @JsonProperty public Duration getUnconfirmedResendAfter() { return unconfirmedResendAfter; }
    @JsonProperty public void setUnconfirmedResendAfter(Duration unconfirmedResendAfter) { this.unconfirmedResendAfter = unconfirmedResendAfter; }
    @JsonProperty public Duration getConnectTimeout() { return connectTimeout; }
    @JsonProperty public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }

    /**
     * The longest one send can take once the email is marked {@code sending}: a pooled connection, a
     * new connection, the answer, plus 10 s for our own bookkeeping. A delivery's lease must outlive
     * it, so that a live attempt is never taken for a dead one (and its email sent again).
     */
    public java.time.Duration longestAttempt() {
        return connectTimeout.toJavaDuration().multipliedBy(2).plus(requestTimeout.toJavaDuration()).plusSeconds(10);
    }

    /** How long a held attempt waits for its SendGrid event before it is resent; null: an operator decides. */
    public java.time.Duration heldResendAfter() {
        return isWebhookConfigured() && unconfirmedResendAfter.toNanoseconds() > 0 ? unconfirmedResendAfter.toJavaDuration() : null;
    }

    @Override
    public String toString() {
        return "SendGridFactory{baseUrl=" + baseUrl + ", apiKeySet=" + isConfigured() + ", webhookKeySet="
                + isWebhookConfigured() + ", from=" + fromEmail + ", rateLimitPerSecond=" + rateLimitPerSecond + ", requestTimeout=" + requestTimeout + ", connectTimeout=" + connectTimeout + "}";
    }
}
