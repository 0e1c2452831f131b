package com.koomy.worker.e2e;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link EmailEndToEndIT} with the workers' pools going through PgBouncer in transaction mode (issue 22): the
 * shared rate limit, a worker killed mid-send, a graceful stop and the fairness of a password reset against a
 * large newsletter, each email sent once.
 */
class EmailThroughPgBouncerIT extends EmailEndToEndIT {

    @RegisterExtension
    static PgBouncer.InFront bouncer = new PgBouncer.InFront();
}
