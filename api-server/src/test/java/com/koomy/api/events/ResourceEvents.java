package com.koomy.api.events;

import com.koomy.api.ResourceCommunity;
import com.koomy.api.ResourceTests;
import com.koomy.api.payments.PaymentsRoutes;
import com.koomy.communities.CommunityKeys;
import com.koomy.events.Event;
import com.koomy.events.EventFields;
import com.koomy.events.Events;
import com.koomy.events.Registrations;
import com.koomy.events.TicketKeys;
import com.koomy.events.TicketMail;

import java.time.Duration;
import java.time.Instant;

/**
 * The events services of an {@code XResourceTest}, wired as {@link EventsRoutes} wires them (real keys, plan limits
 * and database), for the resource under test and for the events its tests start from.
 */
final class ResourceEvents {

    final TicketKeys ticketKeys;
    final Registrations registrations;
    final Events events;

    ResourceEvents(ResourceTests api) {
        ticketKeys = new TicketKeys(new CommunityKeys(api.jdbi(), api.app().config().getCardKeySecret()));
        registrations = new Registrations(api.jdbi(), ticketKeys, new TicketMail(), api.app().clock());
        events = new Events(api.jdbi(), api.app().reads(), registrations, new PaymentsRoutes(api.app()).limits());
    }

    /** A members-only event of {@code community} next week, {@code capacity} seats (null: no limit). */
    Event event(ResourceCommunity community, String title, Integer capacity) {
        Instant start = Instant.now().plus(Duration.ofDays(7));
        return events.create(community.id(), community.owner().id(), new EventFields(title, "About " + title, "Hall",
                start, start.plus(Duration.ofHours(2)), "Europe/Paris", capacity, "members", 1, 0));
    }
}
