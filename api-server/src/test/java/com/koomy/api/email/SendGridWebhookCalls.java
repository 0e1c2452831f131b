package com.koomy.api.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.email.EmailSuppressions;
import com.koomy.email.Suppression;
import com.koomy.testing.SendGridTestEvents;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static com.koomy.api.email.SendGridSignatureVerifier.SIGNATURE_HEADER;
import static com.koomy.api.email.SendGridSignatureVerifier.TIMESTAMP_HEADER;
import static org.assertj.core.api.Assertions.assertThat;

/** SendGrid's event webhook as SendGrid calls it (signed or not), and what the API stored from it. */
public final class SendGridWebhookCalls {

    private final DropwizardAppExtension<ApiConfiguration> app;
    private final TestDatabase db;
    private final SendGridTestEvents.Signer sendgrid;

    SendGridWebhookCalls(DropwizardAppExtension<ApiConfiguration> app, TestDatabase db, SendGridTestEvents.Signer sendgrid) {
        this.app = app;
        this.db = db;
        this.sendgrid = sendgrid;
    }

    /** The API taking {@code sendgrid}'s key as SendGrid's; registered after the database, so it starts once that exists. */
    static DropwizardAppExtension<ApiConfiguration> app(TestDatabase db, SendGridTestEvents.Signer sendgrid) {
        return ApiTestApp.on(db, ConfigOverride.config("sendgrid.webhookPublicKey", sendgrid.publicKeyBase64()));
    }

    static String now() {
        return Long.toString(Instant.now().getEpochSecond());
    }

    /** The signature and timestamp headers as name, value, ... ({@code ApiCalls#send}, {@code ResourceCaller#send}), those not null. */
    public static String[] headers(String signature, String timestamp) {
        List<String> headers = new ArrayList<>();
        if (signature != null) {
            headers.addAll(List.of(SIGNATURE_HEADER, signature));
        }
        if (timestamp != null) {
            headers.addAll(List.of(TIMESTAMP_HEADER, timestamp));
        }
        return headers.toArray(String[]::new);
    }

    Response post(String payload, String signature, String timestamp) {
        Invocation.Builder request = app.client()
                .target("http://localhost:" + app.getLocalPort() + "/api/webhooks/sendgrid").request();
        if (signature != null) {
            request = request.header(SIGNATURE_HEADER, signature);
        }
        if (timestamp != null) {
            request = request.header(TIMESTAMP_HEADER, timestamp);
        }
        // SendGrid's Content-Type; the body goes out byte for byte as signed.
        return request.post(Entity.entity(payload, "application/json; charset=utf-8"));
    }

    /** Posts a batch signed now, as SendGrid does, and expects it stored. */
    JsonNode deliver(String payload) {
        String timestamp = now();
        try (Response response = post(payload, sendgrid.sign(payload, timestamp), timestamp)) {
            assertThat(response.getStatus()).isEqualTo(200);
            return response.readEntity(JsonNode.class);
        }
    }

    long events(String sgEventId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM sendgrid_events WHERE sg_event_id = :id")
                .bind("id", sgEventId).mapTo(Long.class).one());
    }

    long eventsFor(String email) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM sendgrid_events WHERE email = lower(:email)")
                .bind("email", email).mapTo(Long.class).one());
    }

    long suppressionRows() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM email_suppressions").mapTo(Long.class).one());
    }

    Optional<Suppression> suppression(String email) {
        return db.jdbi().withHandle(h -> EmailSuppressions.find(h, email));
    }

    boolean suppresses(String email, boolean bulk) {
        return db.jdbi().withHandle(h -> EmailSuppressions.suppresses(h, email, bulk));
    }
}
