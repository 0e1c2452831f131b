package com.koomy.api.events;

import com.koomy.api.ApiContext;
import com.koomy.api.fastpath.FastRoute;
import com.koomy.api.fastpath.ResourceRoute;
import com.koomy.api.ratelimit.DoorCodeBudget;
import com.koomy.api.ratelimit.RateLimiter;
import com.koomy.billing.PlanLimits;
import com.koomy.communities.CommunityKeys;
import com.koomy.content.ContentDrafts;
import com.koomy.events.Attendees;
import com.koomy.events.CheckIns;
import com.koomy.events.CheckinBundle;
import com.koomy.events.CheckinStats;
import com.koomy.events.CheckinStatsReader;
import com.koomy.events.EventDrafts;
import com.koomy.events.EventStaff;
import com.koomy.events.Events;
import com.koomy.events.MyTickets;
import com.koomy.events.Registrations;
import com.koomy.events.ScannerAccess;
import com.koomy.events.TicketKeys;
import com.koomy.events.TicketMail;
import io.dropwizard.util.Duration;

/**
 * Events, tickets and check-in (issue 5; docs/architecture.md, "Events and check-in"). Tickets are signed
 * with the same community keys as membership cards; {@link #registrations()} is handed to memberships (a
 * removal cancels seats) and {@link #fastRoute} answers door scans before Jersey.
 */
public final class EventsRoutes {

    private final PlanLimits limits;
    private final TicketKeys ticketKeys;
    private final Registrations registrations;
    private final ScannerAccess scanners;
    private final CheckIns checkIns;
    private CheckinsResource checkins;

    public EventsRoutes(ApiContext app, CommunityKeys communityKeys, PlanLimits limits) {
        this.limits = limits;
        this.ticketKeys = new TicketKeys(communityKeys);
        this.registrations = new Registrations(app.jdbi(), ticketKeys, new TicketMail(), app.clock());
        this.scanners = new ScannerAccess(app.jdbi());
        this.checkIns = new CheckIns(app.jdbi(), ticketKeys, scanners, app.clock());
    }

    public Registrations registrations() {
        return registrations;
    }

    /** {@code POST /api/events/{eventId}/checkins} before Jersey; after {@link #register}. */
    public FastRoute fastRoute(ApiContext app) {
        return new DoorScanFastRoute(ResourceRoute.of(CheckinsResource.class, "scan", app.metrics()),
                java.util.Objects.requireNonNull(checkins, "register first"), app.json());
    }

    public void register(ApiContext app, RateLimiter limiter) {
        app.jersey().register(new EventsResource(new Events(app.jdbi(), app.reads(), registrations, limits)));
        app.jersey().register(new EventDraftsResource(new EventDrafts(app.jdbi(), new ContentDrafts(app.config().getOpenai()),
                limits)));
        app.jersey().register(new RegistrationsResource(registrations, new MyTickets(app.jdbi(), ticketKeys)));
        app.jersey().register(new EventStaffResource(new EventStaff(app.jdbi(), scanners)));
        // The attendee list, its CSV, no-shows and promotion by hand (issue 21).
        app.jersey().register(new AttendeesResource(new Attendees(app.jdbi(), scanners), registrations));
        // Online scans that arrive together are recorded in one transaction (docs/architecture.md).
        app.environment().lifecycle().manage(checkIns.groupCommit(app.config().getCheckinWriters(), 100,
                java.time.Duration.ofSeconds(10), app.metrics()));
        checkins = new CheckinsResource(checkIns,
                new CheckinBundle.Builder(app.jdbi(), ticketKeys, scanners),
                new CheckinStatsReader(app.reads(), scanners, app.config().getCache().build("checkin-stats",
                        CheckinStatsReader.CACHE_SCHEMA, Duration.seconds(1),
                        app.json().constructType(CheckinStats.class), app.redis(), app.redisKeys(), app.environment())),
                new DoorCodeBudget(limiter), app.metrics());
        app.jersey().register(checkins);
    }
}
