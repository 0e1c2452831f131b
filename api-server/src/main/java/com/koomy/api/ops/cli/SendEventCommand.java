package com.koomy.api.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.koomy.api.ApiConfiguration;
import com.stripe.net.Webhook;
import io.dropwizard.core.setup.Bootstrap;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@code send-event [--type TYPE] CONFIG}: one Stripe test event ({@code customer.created} by default), signed with the
 * first of {@code stripe.webhookSecrets} by stripe-java's own signer, posted to the running API's webhook route.
 */
public class SendEventCommand extends OpsApiCommand {

    public SendEventCommand() {
        super("send-event", "Send one signed Stripe test event to the running API's webhook route");
    }

    @Override
    public void configure(Subparser subparser) {
        // An option, not an optional positional: argparse would give it the configuration file's path.
        subparser.addArgument("--type").setDefault("customer.created").help("event type (default customer.created)");
        super.configure(subparser);
    }

    @Override
    protected void run(Bootstrap<ApiConfiguration> bootstrap, Namespace namespace, ApiConfiguration config) throws Exception {
        List<String> secrets = config.getStripe().webhookSecretList();
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("stripe.webhookSecrets is empty (STRIPE_WEBHOOK_SECRET): the API refuses every event");
        }
        String id = "evt_local_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        long now = Instant.now().getEpochSecond();
        ObjectNode event = JSON.createObjectNode().put("id", id).put("object", "event").put("api_version", "2024-06-20")
                .put("created", now).put("livemode", config.getStripe().isLivemode()).put("pending_webhooks", 1)
                .put("type", namespace.getString("type"));
        event.putObject("data").putObject("object").put("id", "cus_local").put("object", "customer");
        String payload = JSON.writeValueAsString(event);
        JsonNode answer = send(HttpRequest.newBuilder(URI.create(baseUrl(namespace, config) + "/api/webhooks/stripe"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .header("Stripe-Signature", Webhook.Signature.generateSignatureHeader(payload, secrets.get(0), now))
                .POST(HttpRequest.BodyPublishers.ofString(payload)).build());
        System.out.println(JSON.writeValueAsString(answer));
        System.out.printf("Sent %s (%s). Its status: ops/koomy psql -c \"SELECT event_id, type, status, attempts, processed_at"
                + " FROM koomy.stripe_events WHERE event_id = '%s'\"%n", id, namespace.getString("type"), id);
    }
}
