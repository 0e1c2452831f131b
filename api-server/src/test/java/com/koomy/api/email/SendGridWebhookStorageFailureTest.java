package com.koomy.api.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.api.http.ApiExceptionMapper;
import com.koomy.testing.ApiReply;
import com.koomy.testing.SendGridTestEvents;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** When the batch cannot be stored, SendGrid must hear a non-2xx so that it retries. */
@ExtendWith(DropwizardExtensionsSupport.class)
class SendGridWebhookStorageFailureTest {

    private static final SendGridTestEvents.Signer SENDGRID = new SendGridTestEvents.Signer();
    // Port 1 refuses connections: the database is "down".
    private static final Jdbi UNREACHABLE = Jdbi.create("jdbc:postgresql://127.0.0.1:1/koomy?connectTimeout=1", "koomy", "koomy")
            .installPlugin(new SqlObjectPlugin());

    static ResourceExtension resource = ResourceExtension.builder()
            .addResource(new SendGridWebhookResource(UNREACHABLE, new SendGridSignatureVerifier(SENDGRID.publicKeyBase64()),
                    new SendGridEventParser(new ObjectMapper()), SendGridWebhookResource.MAX_BODY_BYTES))
            .addProvider(new ApiExceptionMapper())
            .build();

    @Test
    void answers503WhenTheDatabaseCannotStoreTheBatch() {
        String payload = SendGridTestEvents.batch(
                SendGridTestEvents.bounce(SendGridTestEvents.newEmail("pat"), SendGridTestEvents.newEventId()));
        String timestamp = Long.toString(Instant.now().getEpochSecond());

        try (Response response = resource.target("/api/webhooks/sendgrid").request()
                .header(SendGridSignatureVerifier.SIGNATURE_HEADER, SENDGRID.sign(payload, timestamp))
                .header(SendGridSignatureVerifier.TIMESTAMP_HEADER, timestamp)
                .post(Entity.json(payload))) {
            assertThat(response.getStatus()).isEqualTo(503);
            JsonNode body = response.readEntity(JsonNode.class);
            assertThat(ApiReply.errorIn(body).code()).isEqualTo("storage_unavailable");
        }
    }
}
