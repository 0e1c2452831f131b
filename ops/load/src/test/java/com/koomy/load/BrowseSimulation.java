package com.koomy.load;

import java.util.List;

/**
 * Scenario 1 of the analysis, passive browsing (read only): people signed out looking at community
 * pages and events (45 %), members reading their communities, news and events (50 %), and owners or
 * admins in the member directory (5 %). Think time load.thinkMinMs..load.thinkMaxMs between requests.
 */
public class BrowseSimulation extends CapacitySimulation {
    {
        run(List.of(
                new Role("visitor", 0.45, journeys.asVisitor(), journeys.visitor()),
                new Role("member reading", 0.50, journeys.asMember(), journeys.member()),
                new Role("admin in the directory", 0.05, journeys.asAdmin(), journeys.admin())), null, 0);
    }
}
