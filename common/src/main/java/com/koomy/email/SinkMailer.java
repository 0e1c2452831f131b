package com.koomy.email;

import java.util.UUID;

/**
 * Without a SendGrid key (development, demos, tests), email "sent" here stays in {@code emails}
 * with its rendered content, for operators to read at {@code GET /api/ops/outbox}.
 */
public class SinkMailer implements Mailer {

    @Override
    public String name() {
        return "sink";
    }

    @Override
    public boolean rateLimited() {
        return false;
    }

    @Override
    public Delivery send(OutgoingEmail email) {
        return new Delivery.Accepted("sink-" + UUID.randomUUID());
    }
}
