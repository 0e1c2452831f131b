package com.koomy.api.events;

import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceCommunity;
import com.koomy.api.ResourceTests;
import com.koomy.events.Event;
import com.koomy.testing.ApiReply;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * An event of ten seats starting in two hours (its tickets admit now) with Eve's ticket ({@link #qr}), and the calls
 * to its door, for {@link CheckinsResourceTest}.
 */
record ResourceDoor(ResourceTests api, ResourceEvents services, ResourceCommunity club, Event event, String qr) {

    static ResourceDoor open(ResourceTests api, ResourceEvents services, String name) {
        ResourceCommunity club = ResourceCommunity.create(api, name);
        Event event = services.event(club, name, 10, Duration.ofHours(2));
        return new ResourceDoor(api, services, club, event, services.seat(event, club.member("Eve")).qr());
    }

    /** One offline scan of a batch, at the side door. */
    static Map<String, Object> offline(String qr, String scanId, Instant at) {
        return Map.of("qr", qr, "scanId", scanId, "gate", "side door", "scannedAt", at.toString());
    }

    ApiReply scan(ApiCalls.User scanner, String qr, String scanId, String gate) {
        return api.as(scanner).post("/api/events/" + event.id() + "/checkins", Map.of("qr", qr, "scanId", scanId, "gate", gate));
    }

    /** {@code body} posted by the owner to the event's {@code route} ({@code /checkins}, {@code /checkins/batch}). */
    ApiReply post(String route, Object body) {
        return api.as(club.owner()).post("/api/events/" + event.id() + route, body);
    }

    ApiReply get(ApiCalls.User caller, String route) {
        return api.as(caller).get("/api/events/" + event.id() + route);
    }

    /** The event's admissions and recorded scans. */
    String stored() {
        String count = "SELECT count(*) FROM %s WHERE event_id = ?";
        return services.count(count.formatted("checkins"), event.id()) + " admitted, "
                + services.count(count.formatted("checkin_scans"), event.id()) + " scans";
    }
}
