package com.koomy.load;

import java.time.Duration;
import java.util.List;

/**
 * Scenario 3 of the analysis, the peak, all at once: mass QR scans at one event (35 % of the users are
 * gates, one scan every 1-2 s each, 10 % of tickets presented twice at two gates at the same moment), a
 * wave of dues payments (25 %: Checkout, 3-6 s on Stripe's page, Stripe's two webhooks), members
 * reading (40 %), and a burst of other signed Stripe webhooks at 0.2 events/s per user (500 users: 100
 * events/s), not counted as users. The newsletter to the whole community is queued by
 * ops/load/capacity just before this run starts; the worker sends it during the steps.
 */
public class PeakSimulation extends CapacitySimulation {
    {
        run(List.of(
                new Role("door gate", 0.35, journeys.asAdmin(), journeys.door(true, Duration.ofSeconds(1), Duration.ofSeconds(2))),
                new Role("member paying dues", 0.25, journeys.asVisitor(),
                        journeys.payer(Duration.ofSeconds(3), Duration.ofSeconds(6))),
                new Role("member reading", 0.40, journeys.asMember(), journeys.member())),
                journeys.stripeBurst(), 0.2);
    }
}
