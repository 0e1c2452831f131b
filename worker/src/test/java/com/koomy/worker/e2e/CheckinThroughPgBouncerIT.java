package com.koomy.worker.e2e;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link CheckinTwoApisIT} with both APIs' and the worker's pools going through PgBouncer in transaction mode
 * (issue 22): no seat oversold and each ticket admitted once, the door's group commits included.
 */
class CheckinThroughPgBouncerIT extends CheckinTwoApisIT {

    @RegisterExtension
    static PgBouncer.InFront bouncer = new PgBouncer.InFront();
}
