package com.koomy.load;

import java.time.Duration;
import java.util.List;

/**
 * Scenario 2 of the analysis, normal activity: mostly reading (visitors 35 %, members 45 %, admins in
 * the directory 2 %), plus members registering for events (10 %, each registration emails a ticket),
 * members paying their dues (7 %: Checkout through the Stripe stub, then Stripe's signed webhooks), and
 * the occasional door scan (1 %, one every 8-12 s per gate).
 */
public class NormalSimulation extends CapacitySimulation {
    {
        run(List.of(
                new Role("visitor", 0.35, journeys.asVisitor(), journeys.visitor()),
                new Role("member reading", 0.45, journeys.asMember(), journeys.member()),
                new Role("admin in the directory", 0.02, journeys.asAdmin(), journeys.admin()),
                new Role("member registering", 0.10, journeys.asVisitor(), journeys.registrant()),
                new Role("member paying dues", 0.07, journeys.asVisitor(),
                        journeys.payer(Duration.ofSeconds(10), Duration.ofSeconds(20))),
                new Role("door gate", 0.01, journeys.asAdmin(),
                        journeys.door(false, Duration.ofSeconds(8), Duration.ofSeconds(12)))), null, 0);
    }
}
