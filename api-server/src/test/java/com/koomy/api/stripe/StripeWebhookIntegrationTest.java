package com.koomy.api.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.StripeTestEvents;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class StripeWebhookIntegrationTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    // Registered after the database, so it starts once the database exists.
    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db);

    private Invocation.Builder webhook() {
        return app.client().target("http://localhost:" + app.getLocalPort() + "/api/webhooks/stripe").request();
    }

    private Response post(String payload, String signature) {
        Invocation.Builder request = webhook();
        if (signature != null) {
            request = request.header("Stripe-Signature", signature);
        }
        return request.post(Entity.entity(payload, "application/json; charset=utf-8"));
    }

    private static long stored(String eventId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM stripe_events WHERE event_id = :id")
                .bind("id", eventId).mapTo(Long.class).one());
    }

    private static long outbox(String eventId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM outbox WHERE ref = :id")
                .bind("id", eventId).mapTo(Long.class).one());
    }


    @Test
    void storesASignedEventOnceAndAnswersRedeliveriesWithoutWriting() {
        String id = StripeTestEvents.newEventId();
        String payload = StripeTestEvents.paymentIntentSucceeded(id);

        Response first = post(payload, StripeTestEvents.sign(payload, ApiTestApp.SECRET));
        Response again = post(payload, StripeTestEvents.sign(payload, ApiTestApp.SECRET));

        assertThat(first.getStatus()).isEqualTo(200);
        JsonNode body = first.readEntity(JsonNode.class);
        assertThat(body.get("eventId").asText()).isEqualTo(id);
        assertThat(body.get("duplicate").asBoolean()).isFalse();
        assertThat(again.getStatus()).isEqualTo(200);
        assertThat(again.readEntity(JsonNode.class).get("duplicate").asBoolean()).isTrue();
        assertThat(stored(id)).isEqualTo(1);
        assertThat(outbox(id)).isEqualTo(1);
        String status = db.jdbi().withHandle(h -> h.createQuery("SELECT status || ' ' || type || ' ' || livemode FROM stripe_events WHERE event_id = :id")
                .bind("id", id).mapTo(String.class).one());
        assertThat(status).isEqualTo("received payment_intent.succeeded false");
    }

    @Test
    void concurrentRedeliveriesOfOneEventStoreItOnce() throws Exception {
        String id = StripeTestEvents.newEventId();
        String payload = StripeTestEvents.paymentIntentSucceeded(id);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                answers.add(pool.submit((Callable<Integer>) () -> {
                    try (Response response = post(payload, StripeTestEvents.sign(payload, ApiTestApp.SECRET))) {
                        return response.getStatus();
                    }
                }));
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(stored(id)).isEqualTo(1);
        assertThat(outbox(id)).isEqualTo(1);
    }

    @Test
    void theSecondSecretOfARotationVerifiesToo() {
        String id = StripeTestEvents.newEventId();
        String payload = StripeTestEvents.event(id, "checkout.session.completed", "checkout.session");

        try (Response response = post(payload, StripeTestEvents.sign(payload, ApiTestApp.ROTATED_SECRET))) {
            assertThat(response.getStatus()).isEqualTo(200);
        }
        assertThat(stored(id)).isEqualTo(1);
    }

    @Test
    void missingSignatureIsRefusedAndNothingStored() {
        String id = StripeTestEvents.newEventId();
        ApiCalls.reply(post(StripeTestEvents.paymentIntentSucceeded(id), null)).assertError(400, "missing_signature");
        assertThat(stored(id)).isZero();
    }

    @Test
    void malformedSignatureIsRefused() {
        String id = StripeTestEvents.newEventId();
        ApiCalls.reply(post(StripeTestEvents.paymentIntentSucceeded(id), "this is not a stripe header")).assertError(400, "invalid_signature");
        assertThat(stored(id)).isZero();
    }

    @Test
    void signatureWithAnotherSecretIsRefused() {
        String id = StripeTestEvents.newEventId();
        String payload = StripeTestEvents.paymentIntentSucceeded(id);
        ApiCalls.reply(post(payload, StripeTestEvents.sign(payload, "whsec_someone_else"))).assertError(400, "invalid_signature");
        assertThat(stored(id)).isZero();
    }

    @Test
    void signatureOverADifferentBodyIsRefused() {
        String id = StripeTestEvents.newEventId();
        String payload = StripeTestEvents.paymentIntentSucceeded(id);
        String tampered = payload.replace("\"livemode\":false", "\"livemode\":true");
        assertThat(tampered).isNotEqualTo(payload);
        ApiCalls.reply(post(tampered, StripeTestEvents.sign(payload, ApiTestApp.SECRET))).assertError(400, "invalid_signature");
        assertThat(stored(id)).isZero();
    }

    @Test
    void staleSignatureIsRefused() {
        String id = StripeTestEvents.newEventId();
        String payload = StripeTestEvents.paymentIntentSucceeded(id);
        long sixMinutesAgo = Instant.now().minusSeconds(360).getEpochSecond();
        ApiCalls.reply(post(payload, StripeTestEvents.sign(payload, ApiTestApp.SECRET, sixMinutesAgo))).assertError(400, "invalid_signature");
        assertThat(stored(id)).isZero();
    }

    @Test
    void signatureWithinToleranceIsAccepted() {
        String id = StripeTestEvents.newEventId();
        String payload = StripeTestEvents.paymentIntentSucceeded(id);
        long fourMinutesAgo = Instant.now().minusSeconds(240).getEpochSecond();
        try (Response response = post(payload, StripeTestEvents.sign(payload, ApiTestApp.SECRET, fourMinutesAgo))) {
            assertThat(response.getStatus()).isEqualTo(200);
        }
    }

    @Test
    void bodyOverOneMebibyteIs413() {
        String id = StripeTestEvents.newEventId();
        String payload = StripeTestEvents.event(id, "customer.updated", "customer")
                .replace("\"livemode\":false", "\"livemode\":false,\"padding\":\"" + "x".repeat(1024 * 1024) + "\"");
        ApiCalls.reply(post(payload, StripeTestEvents.sign(payload, ApiTestApp.SECRET))).assertError(413, "payload_too_large");
        assertThat(stored(id)).isZero();
    }

    @Test
    void signedBodyThatIsNotJsonIs400() {
        String payload = "id=evt_123&type=customer.created";
        ApiCalls.reply(post(payload, StripeTestEvents.sign(payload, ApiTestApp.SECRET))).assertError(400, "invalid_json");
    }

    @Test
    void signedJsonThatIsNotAnEventIs400() {
        String payload = "{\"id\":\"cus_123\",\"object\":\"customer\"}";
        ApiCalls.reply(post(payload, StripeTestEvents.sign(payload, ApiTestApp.SECRET))).assertError(400, "invalid_event");
        String noType = "{\"id\":\"evt_notype\",\"object\":\"event\",\"created\":1700000000,\"livemode\":false}";
        ApiCalls.reply(post(noType, StripeTestEvents.sign(noType, ApiTestApp.SECRET))).assertError(400, "invalid_event");
        assertThat(stored("evt_notype")).isZero();
    }

    @Test
    void everyResponseCarriesARequestIdAndEchoesTheClientsOwn() {
        Response mine = webhook().header("X-Request-Id", "scanner-42.retry-1").post(Entity.json("{}"));
        Response generated = webhook().post(Entity.json("{}"));
        Response insane = webhook().header("X-Request-Id", "bad id with spaces\u00e9").post(Entity.json("{}"));

        List.of(mine, generated, insane).forEach(Response::close);
        assertThat(mine.getHeaderString("X-Request-Id")).isEqualTo("scanner-42.retry-1");
        assertThat(generated.getHeaderString("X-Request-Id")).matches("[0-9a-f-]{36}");
        assertThat(insane.getHeaderString("X-Request-Id")).matches("[0-9a-f-]{36}");
    }

    @Test
    void unknownRoutesAnswerInTheErrorShape() {
        Response response = app.client().target("http://localhost:" + app.getLocalPort() + "/api/no-such-thing")
                .request().get();
        ApiCalls.reply(response).assertError(404, "not_found");
        Response wrongMethod = webhook().get();
        ApiCalls.reply(wrongMethod).assertError(405, "method_not_allowed");
    }
}
