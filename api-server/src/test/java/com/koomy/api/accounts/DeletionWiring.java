package com.koomy.api.accounts;

import com.koomy.api.ApiContext;
import com.koomy.api.ResourceTests;
import com.koomy.api.communities.CommunitiesRoutes;
import com.koomy.api.events.EventsRoutes;
import com.koomy.api.payments.PaymentsRoutes;
import com.koomy.communities.CommunityKeys;
import com.koomy.events.AccountSeats;
import com.koomy.events.Registrations;
import com.koomy.memberships.AccountMemberships;

/** The deletion routes registered as KoomyApiApplication registers them: a deletion ends memberships and seats. */
final class DeletionWiring {

    private DeletionWiring() {
    }

    static void register(ResourceTests t) {
        ApiContext app = t.app();
        Registrations registrations = new EventsRoutes(app, new CommunityKeys(app.jdbi(), app.config().getCardKeySecret()),
                new PaymentsRoutes(app).limits()).registrations();
        t.accounts().registerDeletion(app, t.limiter(), new AccountMemberships(new CommunitiesRoutes(app).communities(),
                registrations, new AccountSeats(registrations, app.clock())::releaseAll));
    }
}
