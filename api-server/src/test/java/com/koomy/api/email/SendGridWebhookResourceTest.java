package com.koomy.api.email;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.koomy.api.ResourceTests;
import com.koomy.api.webhooks.WebhooksRoutes;
import com.koomy.email.EmailSuppressions;
import com.koomy.email.SuppressionReason;
import com.koomy.email.SuppressionScope;
import com.koomy.testing.ApiReply;
import com.koomy.testing.SendGridTestEvents;
import jakarta.ws.rs.client.Entity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.Map;

import static com.koomy.api.email.SendGridWebhookCalls.now;
import static com.koomy.testing.SendGridTestEvents.batch;
import static com.koomy.testing.SendGridTestEvents.event;
import static com.koomy.testing.SendGridTestEvents.newEmail;
import static com.koomy.testing.SendGridTestEvents.newEventId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SendGridWebhookResource} alone, as {@link WebhooksRoutes} registers it with SendGrid's verification key
 * configured: the signature check, the batches it refuses and those it stores. (Unconfigured:
 * {@link SendGridWebhookNotConfiguredTest}; a database that cannot store: {@link SendGridWebhookStorageFailureTest}.)
 */
class SendGridWebhookResourceTest {

    private static final SendGridTestEvents.Signer SENDGRID = new SendGridTestEvents.Signer();

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(SendGridWebhookResource.class, t -> new WebhooksRoutes(t.app()).register(t.app()))
            .with(c -> c.getSendgrid().setWebhookPublicKey(SENDGRID.publicKeyBase64())).checkingDeclaredCodes();

    /** Posts {@code payload} as SendGrid does, with the headers that are not null. */
    private static ApiReply post(String payload, String signature, String timestamp) {
        return api.anonymous().send("POST", "/api/webhooks/sendgrid", Entity.entity(payload, "application/json; charset=utf-8"),
                SendGridWebhookCalls.headers(signature, timestamp));
    }

    /** Posts {@code payload} signed now with SendGrid's key. */
    private static ApiReply signed(String payload) {
        String timestamp = now();
        return post(payload, SENDGRID.sign(payload, timestamp), timestamp);
    }

    private static void assertCounts(ApiReply reply, int received, int stored, int duplicates, int suppressed) {
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
        assertThat(api.app().json().convertValue(reply.body(), Map.class)).isEqualTo(Map.of("received", received,
                "stored", stored, "duplicates", duplicates, "suppressed", suppressed, "lifted", 0));
    }

    private static long events(String email) {
        return api.count("sendgrid_events WHERE email = '" + email.toLowerCase() + "'");
    }

    /** "reason/scope" of the address's suppression, or "none". */
    private static String suppression(String email) {
        return api.jdbi().withHandle(h -> EmailSuppressions.find(h, email)).map(s -> s.reason() + "/" + s.scope()).orElse("none");
    }

    @Test
    void aSignedBatchIsStoredEventByEventAndSuppressesWhatItShould() {
        String ada = newEmail("ada");
        String ben = newEmail("ben");
        ObjectNode bounce = SendGridTestEvents.bounce(ada, newEventId());

        assertCounts(signed(batch(event("delivered", ben, newEventId()), bounce, event("unsubscribe", ben, newEventId()))), 3, 3, 0, 2);

        assertThat(events(ada)).isEqualTo(1);
        assertThat(events(ben)).isEqualTo(2);
        Map<String, Object> row = api.jdbi().withHandle(h -> h.createQuery(
                        "SELECT event, koomy_key, occurred_at = to_timestamp(:ts) AS on_time FROM sendgrid_events WHERE sg_event_id = :id")
                .bind("id", bounce.get("sg_event_id").asText()).bind("ts", bounce.get("timestamp").asLong()).mapToMap().one());
        assertThat(row).isEqualTo(Map.of("event", "bounce", "koomy_key", "newsletter:42:member:7", "on_time", true));
        assertThat(suppression(ada)).isEqualTo(SuppressionReason.bounce + "/" + SuppressionScope.all);
        assertThat(suppression(ben)).isEqualTo(SuppressionReason.unsubscribe + "/" + SuppressionScope.bulk);
        assertCounts(signed("[]"), 0, 0, 0, 0);
    }

    @Test
    void aRedeliveredEventIsAcceptedAndStoredOnlyOnce() {
        String cy = newEmail("cy");
        String payload = batch(event("delivered", cy, newEventId()), SendGridTestEvents.bounce(cy, newEventId()));
        assertCounts(signed(payload), 2, 2, 0, 1);
        long suppressions = api.count("email_suppressions");

        assertCounts(signed(payload), 2, 0, 2, 0);
        String twice = newEventId();
        assertCounts(signed(batch(event("open", cy, twice), event("open", cy, twice))), 2, 1, 1, 0);

        assertThat(events(cy)).isEqualTo(3);
        assertThat(api.count("email_suppressions")).isEqualTo(suppressions);
    }

    @Test
    void aMissingWrongOrStaleSignatureIsRefusedAndNothingIsStored() {
        String dee = newEmail("dee");
        String payload = batch(SendGridTestEvents.bounce(dee, newEventId()));
        String timestamp = now();
        String stale = Long.toString(Instant.now().minus(SendGridSignatureVerifier.TOLERANCE).minusSeconds(60).getEpochSecond());

        post(payload, null, null).assertError(400, "missing_signature");
        post(payload, SENDGRID.sign(payload, timestamp), null).assertError(400, "missing_signature");
        post(payload, null, timestamp).assertError(400, "missing_signature");
        post(payload, new SendGridTestEvents.Signer().sign(payload, timestamp), timestamp).assertError(400, "invalid_signature");
        post(payload.replace(dee, newEmail("eve")), SENDGRID.sign(payload, timestamp), timestamp).assertError(400, "invalid_signature");
        post(payload, "not base64!", timestamp).assertError(400, "invalid_signature");
        post(payload, SENDGRID.sign(payload, timestamp), "soon").assertError(400, "invalid_signature");
        post(payload, SENDGRID.sign(payload, stale), stale).assertError(400, "stale_signature");

        assertThat(events(dee)).isZero();
        assertThat(suppression(dee)).isEqualTo("none");
    }

    @Test
    void aSignedBodyThatIsNotABatchOfEventsIs400NamingTheProblemAndStoresNothing() {
        String fay = newEmail("fay");
        ObjectNode good = event("delivered", fay, newEventId());

        assertRefused("delivered", "invalid_json", "body is not valid JSON");
        assertRefused(good.toString(), "invalid_json", "body is not a JSON array of events");
        assertRefused(batch(good, event("bounce", fay, newEventId()).put("event", " ")), "invalid_event",
                "event 1 of the batch has no event type");
        assertRefused(batch(good.deepCopy().without("sg_event_id")), "invalid_event", "event 0 of the batch has no sg_event_id");
        assertRefused(batch(good.deepCopy().put("timestamp", Instant.now().toEpochMilli())), "invalid_event",
                "event 0 of the batch has no timestamp in Unix seconds");
        assertRefused("[\"delivered\"]", "invalid_event", "event 0 of the batch is not a JSON object");
        signed(batch(good.deepCopy().put("padding", "x".repeat(SendGridWebhookResource.MAX_BODY_BYTES))))
                .assertError(413, "payload_too_large");

        assertThat(events(fay)).isZero();
        assertThat(suppression(fay)).isEqualTo("none");
    }

    private static void assertRefused(String payload, String code, String problem) {
        assertThat(signed(payload).assertError(400, code).message()).isEqualTo(problem);
    }
}
