package com.koomy.api.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceCaller;
import com.koomy.api.ResourceCommunity;
import com.koomy.api.ResourceTests;
import com.koomy.api.payments.PaymentsRoutes;
import com.koomy.billing.PlanLimits;
import com.koomy.communities.CommunityKeys;
import com.koomy.db.GroupCommit;
import com.koomy.events.Event;
import com.koomy.events.EventFields;
import com.koomy.events.EventStaff;
import com.koomy.events.Events;
import com.koomy.events.Registrations;
import com.koomy.events.ScannerAccess;
import com.koomy.events.TicketKeys;
import com.koomy.events.TicketMail;
import com.koomy.testing.ApiReply;
import io.dropwizard.lifecycle.JettyManaged;
import io.dropwizard.lifecycle.Managed;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The events services of an {@code XResourceTest}, wired as {@link EventsRoutes} wires them (real keys, plan limits
 * and database), for the resource under test and for the events, seats and door staff its tests start from.
 */
final class ResourceEvents {

    /** The card key secret ({@code KOOMY_CARD_KEY_SECRET}) of {@link #registered}: tickets are signed. */
    static final String CARD_KEY_SECRET = EventFixtures.randomSecret();

    final CommunityKeys communityKeys;
    final TicketKeys ticketKeys;
    final Registrations registrations;
    final Events events;
    private final PlanLimits limits;
    private final ResourceTests api;

    ResourceEvents(ResourceTests api) {
        this.api = api;
        communityKeys = new CommunityKeys(api.jdbi(), api.app().config().getCardKeySecret());
        ticketKeys = new TicketKeys(communityKeys);
        registrations = new Registrations(api.jdbi(), ticketKeys, new TicketMail(), api.app().clock());
        limits = new PaymentsRoutes(api.app()).limits();
        events = new Events(api.jdbi(), api.app().reads(), registrations, limits);
    }

    /**
     * The resource of type {@code type} as {@link EventsRoutes} registers it, with a card key; {@code services} is
     * given the services the tests start from.
     */
    static ResourceTests registered(Class<?> type, Consumer<ResourceEvents> services) {
        return ResourceTests.registered(type, t -> {
            ResourceEvents made = new ResourceEvents(t);
            services.accept(made);
            new EventsRoutes(t.app(), made.communityKeys, made.limits).register(t.app(), t.limiter());
        }).with(c -> c.setCardKeySecret(CARD_KEY_SECRET));
    }

    /** The door's group commit, which {@link EventsRoutes} gives the app's lifecycle; ResourceTests starts none. */
    static Managed scanWriters(ResourceTests api) {
        return api.app().environment().lifecycle().getManagedObjects().stream()
                .filter(o -> o instanceof JettyManaged m && m.getManaged() instanceof GroupCommit)
                .map(o -> ((JettyManaged) o).getManaged()).findFirst().orElseThrow();
    }

    /** A members-only event of {@code community} next week, {@code capacity} seats (null: no limit). */
    Event event(ResourceCommunity community, String title, Integer capacity) {
        return event(community, title, capacity, Duration.ofDays(7));
    }

    /** The same starting in {@code startsIn} (its tickets admit from 12 hours before), two hours long. */
    Event event(ResourceCommunity community, String title, Integer capacity, Duration startsIn) {
        Instant start = Instant.now().plus(startsIn);
        return events.create(community.id(), community.owner().id(), new EventFields(title, "About " + title, "Hall",
                start, start.plus(Duration.ofHours(2)), "Europe/Paris", capacity, "members", 1, 0));
    }

    /** {@code holder}'s seat at {@code event} as registering makes it: confirmed (with its QR code), else waitlisted. */
    Registrations.Registration seat(Event event, ApiCalls.User holder) {
        return registrations.register(event.id(), holder.id(), null);
    }

    /** A new active member of {@code community}, named door staff of {@code event} by its owner. */
    ApiCalls.User doorStaff(ResourceCommunity community, Event event, String name) {
        ApiCalls.User user = community.member(name);
        new EventStaff(api.jdbi(), new ScannerAccess(api.jdbi())).grant(event.id(), community.owner().id(), user.id());
        return user;
    }

    /** What {@code sql} counts: the rows a success wrote, or that a refusal changed nothing. */
    long count(String sql, Object... args) {
        return api.jdbi().withHandle(h -> h.select(sql, args).mapTo(Long.class).one());
    }

    /** The text of each of {@code fields} of {@code node}, joined by {@code /} ({@code null} for a JSON null). */
    static String values(JsonNode node, String... fields) {
        return Arrays.stream(fields).map(f -> node.has(f) ? node.get(f).asText() : "(missing " + f + ")")
                .collect(Collectors.joining("/"));
    }

    /** A route of the resource under test; {@code path} has {@code %s} where its event's (or community's) id goes. */
    record Route(String method, String path, Object body) {
        ApiReply send(ResourceCaller caller, UUID id) {
            return caller.send(method, path.formatted(id), body);
        }
    }

    /**
     * Each route's declared access: 401 signed out, 403 to {@code member} (of the community, without the role), 404
     * {@code notFound} to an account outside the community and, for {@code allowed}, with an unknown id.
     */
    static void assertGuarded(ResourceTests api, UUID id, ApiCalls.User allowed, ApiCalls.User member, String notFound,
                              Route... routes) {
        ApiCalls.User stranger = api.account("Stranger");
        for (Route route : routes) {
            route.send(api.anonymous(), id).assertError(401, "unauthorized");
            route.send(api.as(member), id).assertError(403, "forbidden");
            route.send(api.as(stranger), id).assertError(404, notFound);
            route.send(api.as(allowed), UUID.randomUUID()).assertError(404, notFound);
        }
    }
}
