package com.koomy.email;

import java.util.UUID;

/**
 * Without a SendGrid key (development, demos, tests), email "sent" here stays in {@code emails}
 * with its rendered content, for operators to read at {@code GET /api/ops/outbox}. The delivery is
 * committed in the transaction that claims the row ({@link #transactional()}): a worker killed
 * anywhere leaves the row either queued or sent, never held in {@code sending}.
 */
public class SinkMailer implements Mailer {

    public static final String NAME = "sink";

    @Override
    public String name() {
        return NAME;
    }

    /** Nothing leaves the process: the row's own commit is the delivery, so an attempt never dies half-way. */
    @Override
    public boolean transactional() {
        return true;
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
