package com.koomy.api.stripe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.api.fastpath.FastAnswer;
import com.koomy.api.fastpath.FastCall;
import com.koomy.api.fastpath.FastRoute;
import com.koomy.api.fastpath.ResourceRoute;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * {@link StripeWebhookResource#receive} before Jersey: under a burst of deliveries Jersey's routing and
 * resource machinery cost more CPU than verifying and storing the event. Same {@link StripeWebhookIntake},
 * same answers; a body over the limit is handed to Jersey (413, reading what the client still sends).
 */
public final class StripeWebhookFastRoute implements FastRoute {

    private final ResourceRoute route;
    private final StripeWebhookIntake intake;
    private final ObjectMapper json;

    public StripeWebhookFastRoute(ResourceRoute route, StripeWebhookIntake intake, ObjectMapper json) {
        this.route = route;
        this.intake = intake;
        this.json = json;
    }

    @Override
    public ResourceRoute route() {
        return route;
    }

    @Override
    public FastAnswer answer(FastCall call) throws IOException {
        byte[] body = call.body(intake.maxBodyBytes() + 1);
        if (body.length > intake.maxBodyBytes()) {
            return null;
        }
        StripeWebhookIntake.Received received = intake.receive(body, call.request().getHeader("Stripe-Signature"));
        return FastAnswer.json(HttpServletResponse.SC_OK, json.writeValueAsBytes(received));
    }
}
