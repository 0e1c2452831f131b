package com.koomy.api.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiConfiguration;
import io.dropwizard.core.setup.Bootstrap;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

/** {@code stripe-replay evt_... CONFIG}: replays a failed or refused Stripe event (POST /api/ops/stripe/events/{id}/replay). */
public class StripeReplayCommand extends OpsApiCommand {

    public StripeReplayCommand() {
        super("stripe-replay", "Replay a failed or refused Stripe event through the running API");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("eventId").help("the Stripe event's id (evt_...)");
        super.configure(subparser);
    }

    @Override
    protected void run(Bootstrap<ApiConfiguration> bootstrap, Namespace namespace, ApiConfiguration config) throws Exception {
        String eventId = namespace.getString("eventId");
        if (!eventId.startsWith("evt_")) {
            throw new IllegalArgumentException("a Stripe event id starts with evt_: " + eventId);
        }
        JsonNode answer = send(opsRequest(baseUrl(namespace, config), config,
                "/api/ops/stripe/events/" + URLEncoder.encode(eventId, StandardCharsets.UTF_8) + "/replay")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        System.out.println(JSON.writeValueAsString(answer));
    }
}
