package com.koomy.email;

import java.io.IOException;

/** Hands a rendered email to a provider. Implementations never retry: the delivery job decides. */
public interface Mailer {

    /** "sendgrid" or "sink", stored on the email. */
    String name();

    /** Whether calls count against the provider's rate limit. */
    boolean rateLimited();

    /**
     * Whether {@link #send} has no effect outside our database (the local sink): the delivery job then
     * calls it inside the transaction that marks the row, so the row goes from queued to sent in one commit.
     */
    default boolean transactional() {
        return false;
    }

    /** @throws IOException when the provider could not be reached or did not answer */
    Delivery send(OutgoingEmail email) throws IOException;
}
