package com.koomy.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * SendGrid event webhook events as SendGrid documents them (email, timestamp, smtp-id, event,
 * category, sg_event_id, sg_message_id, and reason/status/type where the event has them), with our
 * custom arg {@code koomy_key}, and a signer that signs a batch the way SendGrid does.
 */
public final class SendGridTestEvents {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SendGridTestEvents() {
    }

    /** A fresh sg_event_id, in SendGrid's shape (22 base64url characters). */
    public static String newEventId() {
        UUID uuid = UUID.randomUUID();
        byte[] bytes = ByteBuffer.allocate(16)
                .putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A fresh address, so test cases never see each other's suppressions. */
    public static String newEmail(String who) {
        return who + "+" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
    }

    /** An event of {@code type} for {@code email}, sent now, about a newsletter of community 42. */
    public static ObjectNode event(String type, String email, String sgEventId) {
        return event(type, email, sgEventId, Instant.now().getEpochSecond());
    }

    public static ObjectNode event(String type, String email, String sgEventId, long timestamp) {
        ObjectNode event = MAPPER.createObjectNode();
        event.put("email", email);
        event.put("timestamp", timestamp);
        event.put("smtp-id", "<14c5d75ce93.dfd.64b469@ismtpd-555>");
        event.put("event", type);
        event.putArray("category").add("newsletter");
        event.put("sg_event_id", sgEventId);
        event.put("sg_message_id", "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0");
        event.put("koomy_key", "newsletter:42:member:7");
        return event;
    }

    public static ObjectNode bounce(String email, String sgEventId) {
        return event("bounce", email, sgEventId)
                .put("reason", "550 5.1.1 The email account that you tried to reach does not exist.")
                .put("status", "5.1.1")
                .put("type", "bounce");
    }

    /** A temporary refusal by the receiving server: not the address's fault. */
    public static ObjectNode blocked(String email, String sgEventId) {
        return event("bounce", email, sgEventId)
                .put("reason", "421 4.7.0 Try again later, closing connection.")
                .put("status", "4.7.0")
                .put("type", "blocked");
    }

    public static ObjectNode dropped(String email, String sgEventId, String reason) {
        return event("dropped", email, sgEventId).put("reason", reason).put("status", "5.0.0");
    }

    public static ObjectNode groupUnsubscribe(String email, String sgEventId, int asmGroupId, long timestamp) {
        return event("group_unsubscribe", email, sgEventId, timestamp).put("asm_group_id", asmGroupId);
    }

    public static ObjectNode groupResubscribe(String email, String sgEventId, int asmGroupId, long timestamp) {
        return event("group_resubscribe", email, sgEventId, timestamp).put("asm_group_id", asmGroupId);
    }

    /** The body SendGrid posts: a JSON array of events. */
    public static String batch(ObjectNode... events) {
        ArrayNode array = MAPPER.createArrayNode();
        for (ObjectNode event : events) {
            array.add(event);
        }
        return array.toString();
    }

    /** An ECDSA P-256 key pair like the one behind SendGrid's signed event webhook. */
    public static final class Signer {

        private final KeyPair keys;

        public Signer() {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                keys = generator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The verification key as SendGrid shows it: base64 of the X.509 (DER) public key. */
        public String publicKeyBase64() {
            return Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
        }

        /** The X-Twilio-Email-Event-Webhook-Signature for {@code payload} sent at {@code timestamp}. */
        public String sign(String payload, String timestamp) {
            try {
                Signature signature = Signature.getInstance("SHA256withECDSA");
                signature.initSign(keys.getPrivate());
                signature.update((timestamp + payload).getBytes(StandardCharsets.UTF_8));
                return Base64.getEncoder().encodeToString(signature.sign());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
