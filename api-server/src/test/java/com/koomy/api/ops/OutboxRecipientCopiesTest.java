package com.koomy.api.ops;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.email.EmailMessage;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailPacer;
import com.koomy.email.EmailRenderer;
import com.koomy.email.EmailTemplate;
import com.koomy.email.Recipient;
import com.koomy.email.SendEmail;
import com.koomy.email.SendEmailJob;
import com.koomy.email.SinkMailer;
import com.koomy.ratelimit.ProviderRateLimiter;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dues-reminder batch (one request for several members, each member's name substituted by SendGrid)
 * delivered by the sink: the operators' outbox shows, for each recipient, the values of their copy and
 * their subject, so what each member gets can be read there (the sink sends nothing anywhere else).
 */
class OutboxRecipientCopiesTest {

    private static final String TOKEN = "ops-token-for-tests-0123456789";

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db, ConfigOverride.config("opsToken", TOKEN));

    @Test
    void aRemindersBatchShowsEachMembersNameInTheirCopy() throws Exception {
        UUID id = db.jdbi().inTransaction(h -> EmailOutbox.enqueue(h, new EmailMessage(EmailTemplate.DUES_REMINDER, "en",
                List.of(new Recipient("mia@example.org", "Mia <b>& Co"), new Recipient("ned@example.org", "Ned"),
                        Recipient.of("ora@example.org")),
                Map.of("communityName", "Rowing Club", "amount", "25.00", "currency", "EUR", "dueDate", "2026-12-31",
                        "payUrl", "https://koomy.test/pay"), UUID.randomUUID(), "dues-reminders:" + UUID.randomUUID())));
        new SendEmailJob(db.jdbi(), new EmailRenderer(Map.of("productName", "Koomy", "siteUrl", "https://koomy.test")),
                new SinkMailer(), ProviderRateLimiter.NONE, new EmailPacer(db.jdbi(), 1, Duration.ofSeconds(1), new MetricRegistry()),
                new SendEmailJob.Limits(Duration.ofSeconds(30), 2, 0), new MetricRegistry()).run(new SendEmail(id));

        JsonNode email;
        try (Response response = app.client().target("http://localhost:" + app.getLocalPort() + "/api/ops/outbox?status=sent")
                .request().header("Authorization", "Bearer " + TOKEN).get()) {
            assertThat(response.getStatus()).isEqualTo(200);
            email = response.readEntity(JsonNode.class).get("items").get(0);
        }
        assertThat(email.get("id").asText()).isEqualTo(id.toString());
        // The batch's content once, with its placeholders...
        assertThat(email.get("text").asText()).contains("Hello [[recipient_name]],");
        assertThat(email.get("html").asText()).contains("Hello [[recipient_name_html]],");
        // ...and each recipient's values, the HTML one escaped.
        JsonNode mia = email.get("headers").get(0);
        assertThat(mia.get("email").asText()).isEqualTo("mia@example.org");
        assertThat(mia.at("/substitutions/[[recipient_name]]").asText()).isEqualTo("Mia <b>& Co");
        assertThat(mia.at("/substitutions/[[recipient_name_html]]").asText()).isEqualTo("Mia &lt;b&gt;&amp; Co");
        assertThat(mia.at("/headers/To").asText()).isEqualTo("Mia <b>& Co <mia@example.org>");
        assertThat(mia.at("/headers/Subject").asText()).isEqualTo("Dues reminder — Rowing Club");
        assertThat(email.get("headers").get(1).at("/substitutions/[[recipient_name]]").asText()).isEqualTo("Ned");
        assertThat(email.get("headers").get(2).at("/substitutions/[[recipient_name]]").asText()).isEmpty();

        // Replacing them gives exactly the copy each member reads.
        String nedsText = email.get("text").asText().replace("[[recipient_name]]",
                email.get("headers").get(1).at("/substitutions/[[recipient_name]]").asText());
        assertThat(nedsText).startsWith("Hello Ned,").doesNotContain("[[");
    }

    @Test
    void anEmailRenderedForItsOneRecipientHasNoSubstitutions() throws Exception {
        UUID id = db.jdbi().inTransaction(h -> EmailOutbox.enqueue(h, EmailMessage.to(new Recipient("pam@example.org", "Pam"),
                EmailTemplate.PASSWORD_RESET, "en", Map.of("resetUrl", "https://koomy.test/r", "expiresInMinutes", 30), null,
                "password-reset:" + UUID.randomUUID())));
        try (Response response = app.client().target("http://localhost:" + app.getLocalPort() + "/api/ops/outbox?status=queued")
                .request().header("Authorization", "Bearer " + TOKEN).get()) {
            JsonNode email = response.readEntity(JsonNode.class).get("items").get(0);
            assertThat(email.get("id").asText()).isEqualTo(id.toString());
            assertThat(email.get("headers").get(0).get("substitutions")).isEmpty();
        }
    }
}
