package com.koomy.load;

import java.util.List;

/**
 * Stripe alone: N concurrent deliveries (Stripe's senders), each posting its next signed event as soon
 * as the previous one is answered, no think time. The steps are concurrent senders, not people; the
 * figure of interest is events accepted per second at each step and, once the run is over, that
 * every accepted event was applied by the worker (ops/load/capacity checks the database).
 */
public class WebhookSimulation extends CapacitySimulation {
    {
        run(List.of(new Role("stripe sender", 1.0, journeys.asVisitor(), journeys.stripeBurst())), null, 0);
    }
}
