package com.koomy.api.stripe;

import com.codahale.metrics.MetricRegistry;
import com.koomy.api.ResourceTests;
import com.koomy.testing.ApiReply;
import com.koomy.testing.StripeTestEvents;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.MediaType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StripeWebhookResource} alone (the fast path aside), built as {@code WebhooksRoutes} builds it: an event
 * stored once with its outbox row, a redelivery answered as a duplicate, and every refusal (signature, body,
 * size) answered with its declared code and nothing stored. {@code StripeWebhookStorageFailureTest} shows the 503.
 */
class StripeWebhookResourceTest {

    private static final String SECRET = "whsec_resource_test";
    private static final String PATH = "/api/webhooks/stripe";
    private static StripeEventIngest ingest;

    @RegisterExtension
    static ResourceTests api = ResourceTests.of(t -> {
        ingest = new StripeEventIngest(t.jdbi(), 2, 200, 100, Duration.ofSeconds(10), new MetricRegistry());
        return new StripeWebhookResource(new StripeWebhookIntake(new StripeSignatureVerifier(List.of(SECRET), 300),
                new StripeEventParser(t.app().json()), ingest, 1024 * 1024));
    }).checkingDeclaredCodes();

    @BeforeAll
    static void startWriters() {
        ingest.start(); // the app's lifecycle starts them; ResourceTests runs none
    }

    @AfterAll
    static void stopWriters() throws InterruptedException {
        ingest.stop();
    }

    private static ApiReply deliver(String body, String... headers) {
        return api.anonymous().send("POST", PATH, Entity.entity(body, MediaType.APPLICATION_JSON_TYPE), headers);
    }

    @Test
    void anEventIsStoredOnceWithItsOutboxRowAndARedeliveryIsADuplicate() {
        String eventId = StripeTestEvents.newEventId();
        String payload = StripeTestEvents.paymentIntentSucceeded(eventId);
        long outbox = api.count("outbox");

        ApiReply first = deliver(payload, "Stripe-Signature", StripeTestEvents.sign(payload, SECRET));
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().get("received").asBoolean()).isTrue();
        assertThat(first.body().get("eventId").asText()).isEqualTo(eventId);
        assertThat(first.body().get("duplicate").asBoolean()).isFalse();
        assertThat(api.count("stripe_events")).isEqualTo(1);
        assertThat(api.count("outbox")).isEqualTo(outbox + 1);

        ApiReply again = deliver(payload, "Stripe-Signature", StripeTestEvents.sign(payload, SECRET));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("duplicate").asBoolean()).isTrue();
        assertThat(api.count("stripe_events")).isEqualTo(1);
        assertThat(api.count("outbox")).isEqualTo(outbox + 1);
    }

    @Test
    void everyRefusalNamesItsCauseAndStoresNothing() {
        String payload = StripeTestEvents.paymentIntentSucceeded(StripeTestEvents.newEventId());
        long events = api.count("stripe_events");
        long stale = Instant.now().minusSeconds(3_600).getEpochSecond();

        deliver(payload).assertError(400, "missing_signature");
        deliver(payload, "Stripe-Signature", "t=1,v1").assertError(400, "invalid_signature");
        deliver(payload, "Stripe-Signature", StripeTestEvents.sign(payload, "whsec_someone_else")).assertError(400, "invalid_signature");
        deliver(payload, "Stripe-Signature", StripeTestEvents.sign(payload, SECRET, stale)).assertError(400, "invalid_signature");
        deliver(payload + " ", "Stripe-Signature", StripeTestEvents.sign(payload, SECRET)).assertError(400, "invalid_signature");
        for (String body : List.of("not json", "[1, 2]")) {
            deliver(body, "Stripe-Signature", StripeTestEvents.sign(body, SECRET)).assertError(400, "invalid_json");
        }
        for (String body : List.of("{}", "{\"id\": \"pi_123\", \"object\": \"event\"}", "{\"id\": \"evt_1\", \"object\": \"charge\"}")) {
            deliver(body, "Stripe-Signature", StripeTestEvents.sign(body, SECRET)).assertError(400, "invalid_event");
        }
        assertThat(api.count("stripe_events")).isEqualTo(events);
    }

    @Test
    void aBodyOverOneMebibyteIs413AndNotStored() {
        String big = "{\"pad\": \"" + "x".repeat(1024 * 1024) + "\"}";
        long events = api.count("stripe_events");

        ApiReply reply = deliver(big, "Stripe-Signature", StripeTestEvents.sign(big, SECRET));

        reply.assertError(413, "payload_too_large");
        assertThat(api.count("stripe_events")).isEqualTo(events);
    }
}
