package com.koomy.worker.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.koomy.email.EmailSuppressions;
import com.koomy.email.sendgrid.SendGridEvent;
import com.koomy.testing.SendGridStub;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SendGrid's event webhook, played by the test: for every request the stub took, one {@code processed} event
 * per recipient with the request's custom args, stored as the API's webhook stores a verified batch
 * ({@link EmailSuppressions#record}; the signature check itself is SendGridWebhookIntegrationTest's). Requests
 * named {@link #lose lost} get none, as a request that never reached SendGrid.
 */
final class SendGridWebhookFeed {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SendGridStub stub;
    private final Jdbi jdbi;
    private final Set<UUID> done = ConcurrentHashMap.newKeySet();

    SendGridWebhookFeed(SendGridStub stub, Jdbi jdbi) {
        this.stub = stub;
        this.jdbi = jdbi;
    }

    /** These requests never reached SendGrid: no event will come for them. */
    void lose(List<LoggedRequest> requests) {
        requests.forEach(r -> done.add(r.getId()));
    }

    /** Stores the events of every request taken since the last call; returns how many requests. */
    int deliver() {
        List<SendGridEvent> events = new ArrayList<>();
        int requests = 0;
        for (LoggedRequest request : stub.requests()) {
            if (!done.add(request.getId())) {
                continue;
            }
            requests++;
            JsonNode body = read(request);
            JsonNode args = body.path("custom_args");
            for (JsonNode personalization : body.path("personalizations")) {
                String to = personalization.at("/to/0/email").asText();
                ObjectNode payload = JSON.createObjectNode().put("event", "processed").put("email", to);
                args.fields().forEachRemaining(a -> payload.set(a.getKey(), a.getValue()));
                events.add(new SendGridEvent("e2e-" + UUID.randomUUID(), "processed", to, args.path("koomy_key").asText(),
                        "sg-e2e-" + request.getId() + ".filter0001", Instant.now(), null, null, null, null, payload.toString()));
            }
        }
        if (!events.isEmpty()) {
            jdbi.useHandle(h -> EmailSuppressions.record(h, events));
        }
        return requests;
    }

    private static JsonNode read(LoggedRequest request) {
        try {
            return JSON.readTree(request.getBodyAsString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
