package com.koomy.api.stripe;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.api.http.ApiExceptionMapper;
import com.koomy.errors.ApiException;
import com.koomy.testing.ApiReply;
import com.koomy.testing.StripeTestEvents;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** When the event cannot be stored, Stripe must hear a non-2xx so that it retries. */
@ExtendWith(DropwizardExtensionsSupport.class)
class StripeWebhookStorageFailureTest {

    private static final String SECRET = "whsec_unit";
    // Port 1 refuses connections: the database is "down".
    private static final Jdbi UNREACHABLE = Jdbi.create("jdbc:postgresql://127.0.0.1:1/koomy?connectTimeout=1", "koomy", "koomy")
            .installPlugin(new SqlObjectPlugin());

    private static final StripeEventIngest INGEST = new StripeEventIngest(UNREACHABLE, 2, 200, 100,
            Duration.ofSeconds(10), new MetricRegistry());

    static ResourceExtension resource = ResourceExtension.builder()
            .addResource(new StripeWebhookResource(new StripeWebhookIntake(new StripeSignatureVerifier(List.of(SECRET), 300),
                    new StripeEventParser(new ObjectMapper()), INGEST, 1024 * 1024)))
            .addProvider(new ApiExceptionMapper())
            .build();

    @BeforeAll
    static void startWriters() {
        INGEST.start();
    }

    @AfterAll
    static void stopWriters() throws InterruptedException {
        INGEST.stop();
    }

    @Test
    void answers503WhenTheDatabaseCannotStoreTheEvent() {
        String payload = StripeTestEvents.paymentIntentSucceeded(StripeTestEvents.newEventId());

        Response response = resource.target("/api/webhooks/stripe").request()
                .header("Stripe-Signature", StripeTestEvents.sign(payload, SECRET))
                .post(Entity.json(payload));

        assertThat(response.getStatus()).isEqualTo(503);
        JsonNode body = response.readEntity(JsonNode.class);
        assertThat(ApiReply.errorIn(body).code()).isEqualTo("storage_unavailable");
    }

    @Test
    void refusesWith503NamingTheSettingWhenNoSigningSecretIsConfigured() {
        StripeSignatureVerifier unconfigured = new StripeSignatureVerifier(List.of(), 300);

        assertThatThrownBy(() -> unconfigured.verify("{}", "t=1,v1=00"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.getMessage()).contains("STRIPE_WEBHOOK_SECRET");
                });
    }
}
