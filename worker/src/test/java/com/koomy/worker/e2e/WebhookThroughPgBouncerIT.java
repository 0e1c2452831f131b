package com.koomy.worker.e2e;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link WebhookEndToEndIT}'s burst, redeliveries and worker kill with the API's and the worker's pools going
 * through PgBouncer in transaction mode (issue 22): DATABASE_URL on PgBouncer with DATABASE_TRANSACTION_POOLING,
 * migrations and JobRunr's tables on DATABASE_MIGRATE_URL, PostgreSQL directly.
 */
class WebhookThroughPgBouncerIT extends WebhookEndToEndIT {

    @RegisterExtension
    static PgBouncer.InFront bouncer = new PgBouncer.InFront();

    /**
     * Not run here (an override without {@code @Test}): it starts a PostgreSQL of its own, which this class's
     * PgBouncer does not front; {@link WebhookEndToEndIT} runs it.
     */
    @Override
    void aWorkerRecoversByItselfWhenPostgresRestartsUnderIt() {
    }
}
