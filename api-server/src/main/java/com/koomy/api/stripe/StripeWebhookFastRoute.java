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
public final class StripeWebhookFastRoute extends FastRoute {

    private final StripeWebhookIntake intake;
    private final ObjectMapper json;

    public StripeWebhookFastRoute(ResourceRoute route, StripeWebhookIntake intake, ObjectMapper json) {
        super(route);
        this.intake = intake;
        this.json = json;
    }

    @Override
    public FastAnswer answer(FastCall call) throws IOException {
        byte[] body = call.bodyAtMost(intake.maxBodyBytes());
        if (body == null) {
            return null;
        }
        StripeWebhookIntake.Received received = intake.receive(body, call.request().getHeader("Stripe-Signature"));
        return FastAnswer.json(HttpServletResponse.SC_OK, json.writeValueAsBytes(received));
    }
}
