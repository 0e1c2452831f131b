package com.koomy.api.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiConfiguration;
import com.koomy.email.Suppression;
import com.koomy.email.SuppressionReason;
import com.koomy.email.SuppressionScope;
import com.koomy.testing.SendGridTestEvents;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.Map;

import static com.koomy.api.email.SendGridWebhookCalls.now;
import static com.koomy.testing.SendGridTestEvents.newEmail;
import static com.koomy.testing.SendGridTestEvents.newEventId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SendGrid's signed event batches: every event stored once, and the suppressions they add or lift; and what
 * the webhook refuses (a bad, missing or stale signature; a body that is not a batch; a huge body) and stores nothing of.
 */
class SendGridWebhookIntegrationTest {

    private static final SendGridTestEvents.Signer SENDGRID = new SendGridTestEvents.Signer();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = SendGridWebhookCalls.app(db, SENDGRID);

    private final SendGridWebhookCalls webhook = new SendGridWebhookCalls(app, db, SENDGRID);

    @Test
    void aSignedBatchStoresEveryEventAndSuppressesWhatItShould() {
        String bounced = newEmail("Alice.Bounced");
        String spammer = newEmail("bob.spam");
        String unsubscribed = newEmail("carol.unsub");
        String blocked = newEmail("dave.blocked");
        String dropped = newEmail("erin.dropped");
        String happy = newEmail("frank.happy");
        ObjectNode bounce = SendGridTestEvents.bounce(bounced, newEventId());
        String payload = SendGridTestEvents.batch(
                SendGridTestEvents.event("processed", happy, newEventId()),
                SendGridTestEvents.event("delivered", happy, newEventId()),
                SendGridTestEvents.event("open", happy, newEventId()),
                SendGridTestEvents.event("click", happy, newEventId()).put("url", "https://koomy.example/e/42"),
                SendGridTestEvents.event("deferred", happy, newEventId()),
                bounce,
                SendGridTestEvents.event("spamreport", spammer, newEventId()),
                SendGridTestEvents.event("unsubscribe", unsubscribed, newEventId()),
                SendGridTestEvents.blocked(blocked, newEventId()),
                SendGridTestEvents.dropped(dropped, newEventId(), "Bounced Address"));

        JsonNode body = webhook.deliver(payload);

        assertThat(body.get("received").asInt()).isEqualTo(10);
        assertThat(body.get("stored").asInt()).isEqualTo(10);
        assertThat(body.get("duplicates").asInt()).isZero();
        assertThat(body.get("suppressed").asInt()).isEqualTo(4);
        assertThat(webhook.suppression(bounced).orElseThrow()).satisfies(s -> {
            assertThat(s.email()).isEqualTo(bounced.toLowerCase());
            assertThat(s.reason()).isEqualTo(SuppressionReason.bounce);
            assertThat(s.scope()).isEqualTo(SuppressionScope.all);
            assertThat(s.sgEventId()).isEqualTo(bounce.get("sg_event_id").asText());
            assertThat(s.detail()).startsWith("5.1.1 550 5.1.1");
        });
        assertThat(webhook.suppression(spammer).orElseThrow().scope()).isEqualTo(SuppressionScope.all);
        assertThat(webhook.suppression(unsubscribed).orElseThrow().scope()).isEqualTo(SuppressionScope.bulk);
        assertThat(webhook.suppression(dropped).orElseThrow().reason()).isEqualTo(SuppressionReason.dropped);
        assertThat(webhook.suppression(blocked)).as("a block is temporary").isEmpty();
        assertThat(webhook.suppression(happy)).isEmpty();
        assertThat(webhook.eventsFor(happy)).isEqualTo(5);
        assertThat(webhook.eventsFor(blocked)).isEqualTo(1);

        Map<String, Object> row = db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT event, email, koomy_key, sg_message_id, occurred_at = to_timestamp(:ts) AS on_time,
                               payload ->> 'reason' AS reason, payload -> 'category' ->> 0 AS category
                          FROM sendgrid_events WHERE sg_event_id = :id""")
                .bind("id", bounce.get("sg_event_id").asText()).bind("ts", bounce.get("timestamp").asLong())
                .mapToMap().one());
        assertThat(row).containsEntry("event", "bounce")
                .containsEntry("email", bounced.toLowerCase())
                .containsEntry("koomy_key", "newsletter:42:member:7")
                .containsEntry("sg_message_id", "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0")
                .containsEntry("on_time", true)
                .containsEntry("reason", "550 5.1.1 The email account that you tried to reach does not exist.")
                .containsEntry("category", "newsletter");
    }

    @Test
    void aRedeliveredBatchDuplicatesNothing() {
        String email = newEmail("gina.twice");
        String payload = SendGridTestEvents.batch(SendGridTestEvents.event("delivered", email, newEventId()),
                SendGridTestEvents.bounce(email, newEventId()));

        webhook.deliver(payload);
        Suppression first = webhook.suppression(email).orElseThrow();
        JsonNode again = webhook.deliver(payload); // SendGrid signs each delivery afresh

        assertThat(again.get("stored").asInt()).isZero();
        assertThat(again.get("duplicates").asInt()).isEqualTo(2);
        assertThat(again.get("suppressed").asInt()).isZero();
        assertThat(webhook.eventsFor(email)).isEqualTo(2);
        assertThat(webhook.suppression(email).orElseThrow()).isEqualTo(first);
    }

    @Test
    void anUnsubscribeStopsOnlyBulkMailUntilABounceStopsEverything() {
        String email = newEmail("hank.unsub");
        webhook.deliver(SendGridTestEvents.batch(SendGridTestEvents.event("unsubscribe", email, newEventId())));

        assertThat(webhook.suppression(email).orElseThrow().scope()).isEqualTo(SuppressionScope.bulk);
        assertThat(webhook.suppresses(email, true)).as("newsletter").isTrue();
        assertThat(webhook.suppresses(email, false)).as("receipt").isFalse();

        webhook.deliver(SendGridTestEvents.batch(SendGridTestEvents.bounce(email, newEventId())));

        assertThat(webhook.suppression(email).orElseThrow().reason()).isEqualTo(SuppressionReason.bounce);
        assertThat(webhook.suppression(email).orElseThrow().scope()).isEqualTo(SuppressionScope.all);
        assertThat(webhook.suppresses(email, false)).isTrue();
        assertThat(webhook.suppresses(newEmail("nobody"), true)).isFalse();
    }

    @Test
    void aGroupResubscribeLiftsTheGroupUnsubscribe() {
        String email = newEmail("iris.group");
        long t = Instant.now().getEpochSecond();
        webhook.deliver(SendGridTestEvents.batch(SendGridTestEvents.groupUnsubscribe(email, newEventId(), 17, t - 60)));
        assertThat(webhook.suppression(email).orElseThrow().reason()).isEqualTo(SuppressionReason.group_unsubscribe);
        assertThat(webhook.suppresses(email, true)).isTrue();

        JsonNode body = webhook.deliver(SendGridTestEvents.batch(SendGridTestEvents.groupResubscribe(email, newEventId(), 17, t)));

        assertThat(body.get("lifted").asInt()).isEqualTo(1);
        assertThat(webhook.suppression(email)).isEmpty();
        assertThat(webhook.suppresses(email, true)).isFalse();
    }

    @Test
    void aSignatureFromAnotherKeyIsRefusedAndNothingStored() {
        String email = newEmail("jack.forged");
        String payload = SendGridTestEvents.batch(SendGridTestEvents.bounce(email, newEventId()));
        String timestamp = now();
        long before = webhook.suppressionRows();

        ApiCalls.reply(webhook.post(payload, new SendGridTestEvents.Signer().sign(payload, timestamp), timestamp)).assertError(400, "invalid_signature");

        assertThat(webhook.eventsFor(email)).isZero();
        assertThat(webhook.suppressionRows()).isEqualTo(before);
    }

    @Test
    void aSignatureOverAnotherBodyOrTimestampIsRefused() {
        String email = newEmail("kate.tampered");
        String payload = SendGridTestEvents.batch(SendGridTestEvents.event("unsubscribe", email, newEventId()));
        String timestamp = now();
        String signature = SENDGRID.sign(payload, timestamp);
        String tampered = payload.replace("\"unsubscribe\"", "\"spamreport\"");
        assertThat(tampered).isNotEqualTo(payload);
        String otherSecond = Long.toString(Long.parseLong(timestamp) - 1);

        ApiCalls.reply(webhook.post(tampered, signature, timestamp)).assertError(400, "invalid_signature");
        ApiCalls.reply(webhook.post(payload, signature, otherSecond)).assertError(400, "invalid_signature");
        ApiCalls.reply(webhook.post(payload, "not a signature!", timestamp)).assertError(400, "invalid_signature");
        ApiCalls.reply(webhook.post(payload, signature, "yesterday")).assertError(400, "invalid_signature");

        assertThat(webhook.eventsFor(email)).isZero();
        assertThat(webhook.suppression(email)).isEmpty();
    }

    @Test
    void missingHeadersAreRefused() {
        String email = newEmail("leo.unsigned");
        String payload = SendGridTestEvents.batch(SendGridTestEvents.bounce(email, newEventId()));
        String timestamp = now();

        ApiCalls.reply(webhook.post(payload, null, null)).assertError(400, "missing_signature");
        ApiCalls.reply(webhook.post(payload, null, timestamp)).assertError(400, "missing_signature");
        ApiCalls.reply(webhook.post(payload, SENDGRID.sign(payload, timestamp), null)).assertError(400, "missing_signature");

        assertThat(webhook.eventsFor(email)).isZero();
    }

    @Test
    void aStaleTimestampIsRefusedEvenWhenCorrectlySigned() {
        String email = newEmail("mia.replayed");
        String payload = SendGridTestEvents.batch(SendGridTestEvents.bounce(email, newEventId()));
        String sixMinutesAgo = Long.toString(Instant.now().minusSeconds(360).getEpochSecond());

        ApiCalls.reply(webhook.post(payload, SENDGRID.sign(payload, sixMinutesAgo), sixMinutesAgo)).assertError(400, "stale_signature");

        assertThat(webhook.eventsFor(email)).isZero();
        assertThat(webhook.suppression(email)).isEmpty();
        String fourMinutesAgo = Long.toString(Instant.now().minusSeconds(240).getEpochSecond());
        try (Response response = webhook.post(payload, SENDGRID.sign(payload, fourMinutesAgo), fourMinutesAgo)) {
            assertThat(response.getStatus()).isEqualTo(200);
        }
    }

    @Test
    void aSignedBodyThatIsNotABatchOfEventsIs400() {
        String timestamp = now();
        String object = "{\"email\":\"x@example.org\",\"event\":\"bounce\"}";
        String notJson = "email=x@example.org&event=bounce";
        String eventless = "[{\"email\":\"x@example.org\",\"timestamp\":1700000000,\"sg_event_id\":\"abc\"}]";

        ApiCalls.reply(webhook.post(object, SENDGRID.sign(object, timestamp), timestamp)).assertError(400, "invalid_json");
        ApiCalls.reply(webhook.post(notJson, SENDGRID.sign(notJson, timestamp), timestamp)).assertError(400, "invalid_json");
        ApiCalls.reply(webhook.post(eventless, SENDGRID.sign(eventless, timestamp), timestamp)).assertError(400, "invalid_event");
        assertThat(webhook.events("abc")).isZero();
    }

    @Test
    void anEmptyBatchIsAccepted() {
        assertThat(webhook.deliver("[]").get("received").asInt()).isZero();
    }

    @Test
    void aBodyOverOneMebibyteIs413() {
        String email = newEmail("ned.huge");
        String payload = SendGridTestEvents.batch(SendGridTestEvents.event("delivered", email, newEventId())
                .put("padding", "x".repeat(1024 * 1024)));
        String timestamp = now();

        ApiCalls.reply(webhook.post(payload, SENDGRID.sign(payload, timestamp), timestamp)).assertError(413, "payload_too_large");
        assertThat(webhook.eventsFor(email)).isZero();
    }
}
