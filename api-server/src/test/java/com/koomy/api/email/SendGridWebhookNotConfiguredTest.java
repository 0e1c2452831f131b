package com.koomy.api.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.SendGridTestEvents;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Without SENDGRID_WEBHOOK_PUBLIC_KEY the API starts, and the SendGrid webhook refuses everything. */
class SendGridWebhookNotConfiguredTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("sendgrid.webhookPublicKey", ""));

    @Test
    void answers503NamingTheSettingAndStoresNothing() {
        SendGridTestEvents.Signer someone = new SendGridTestEvents.Signer();
        String payload = SendGridTestEvents.batch(
                SendGridTestEvents.bounce(SendGridTestEvents.newEmail("olga"), SendGridTestEvents.newEventId()));
        String timestamp = Long.toString(Instant.now().getEpochSecond());

        try (Response response = app.client().target("http://localhost:" + app.getLocalPort() + "/api/webhooks/sendgrid")
                .request()
                .header(SendGridSignatureVerifier.SIGNATURE_HEADER, someone.sign(payload, timestamp))
                .header(SendGridSignatureVerifier.TIMESTAMP_HEADER, timestamp)
                .post(Entity.json(payload))) {
            assertThat(response.getStatus()).isEqualTo(503);
            JsonNode body = response.readEntity(JsonNode.class);
            assertThat(ApiReply.errorIn(body).status()).isEqualTo(503);
            assertThat(ApiReply.errorIn(body).code()).isEqualTo("webhook_not_configured");
            assertThat(ApiReply.errorIn(body).message()).contains("SENDGRID_WEBHOOK_PUBLIC_KEY");
        }
        long stored = db.jdbi().withHandle(h -> h.createQuery(
                "SELECT (SELECT count(*) FROM sendgrid_events) + (SELECT count(*) FROM email_suppressions)")
                .mapTo(Long.class).one());
        assertThat(stored).isZero();
    }
}
