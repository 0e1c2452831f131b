package com.koomy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.net.Webhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.UUID;

/**
 * Stripe events as Stripe sends them: the envelope of a real event around one of Stripe's own
 * example objects, signed with stripe-java's header generator (the scheme Stripe uses).
 */
public final class StripeTestEvents {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNode OBJECTS = load();

    private StripeTestEvents() {
    }

    public static String newEventId() {
        return "evt_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    /** An event of {@code type} whose {@code data.object} is Stripe's example {@code objectName}. */
    public static String event(String eventId, String type, String objectName) {
        ObjectNode event = MAPPER.createObjectNode();
        event.put("id", eventId);
        event.put("object", "event");
        event.put("api_version", "2024-06-20");
        event.put("created", Instant.now().getEpochSecond());
        event.putObject("data").set("object", OBJECTS.get(objectName).deepCopy());
        event.put("livemode", false);
        event.put("pending_webhooks", 1);
        event.putObject("request").putNull("id").putNull("idempotency_key");
        event.put("type", type);
        return event.toString();
    }

    /** A copy of Stripe's example object {@code name} (checkout.session, payment_intent, charge, account...), to adapt. */
    public static ObjectNode object(String name) {
        return OBJECTS.get(name).deepCopy();
    }

    /**
     * An event around {@code object}: {@code account} set for a Connect event (null for the platform's own),
     * {@code created} Stripe's epoch seconds.
     */
    public static String event(String eventId, String type, JsonNode object, String account, long created, boolean livemode) {
        ObjectNode event = MAPPER.createObjectNode();
        event.put("id", eventId);
        event.put("object", "event");
        if (account != null) {
            event.put("account", account);
        }
        event.put("api_version", "2024-06-20");
        event.put("created", created);
        event.putObject("data").set("object", object);
        event.put("livemode", livemode);
        event.put("pending_webhooks", 1);
        event.putObject("request").putNull("id").putNull("idempotency_key");
        event.put("type", type);
        return event.toString();
    }

    /** A {@code payment_intent.succeeded} event, the most common one we receive. */
    public static String paymentIntentSucceeded(String eventId) {
        return event(eventId, "payment_intent.succeeded", "payment_intent");
    }

    /** The {@code Stripe-Signature} header for {@code payload} signed now with {@code secret}. */
    public static String sign(String payload, String secret) {
        return sign(payload, secret, Instant.now().getEpochSecond());
    }

    public static String sign(String payload, String secret, long timestamp) {
        try {
            return Webhook.Signature.generateSignatureHeader(payload, secret, timestamp);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode load() {
        try (InputStream in = StripeTestEvents.class.getResourceAsStream("/stripe/objects.json")) {
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
