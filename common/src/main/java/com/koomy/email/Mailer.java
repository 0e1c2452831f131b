package com.koomy.email;

import java.io.IOException;

/** Hands a rendered email to a provider. Implementations never retry: the delivery job decides. */
public interface Mailer {

    /** "sendgrid" or "sink", stored on the email. */
    String name();

    /** Whether calls count against the provider's rate limit. */
    boolean rateLimited();

    /** @throws IOException when the provider could not be reached or did not answer */
    Delivery send(OutgoingEmail email) throws IOException;
}
