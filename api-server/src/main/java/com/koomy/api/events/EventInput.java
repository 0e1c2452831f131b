package com.koomy.api.events;

import com.koomy.events.EventFields;

import java.time.Instant;

/**
 * What both event requests of {@link EventsResource} carry, as {@link EventFields}. They stay two records
 * because they differ in what is required (all of it to create, none of it to change), which the OpenAPI
 * document states per request.
 */
interface EventInput {
    String title();

    String description();

    String place();

    Instant startsAt();

    Instant endsAt();

    String timeZone();

    Integer capacity();

    String visibility();

    Integer ticketsPerAccount();

    Integer price();

    default EventFields fields() {
        return new EventFields(title(), description(), place(), startsAt(), endsAt(), timeZone(), capacity(),
                visibility(), ticketsPerAccount(), price());
    }
}
