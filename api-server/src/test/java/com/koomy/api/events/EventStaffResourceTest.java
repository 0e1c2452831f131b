package com.koomy.api.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceCommunity;
import com.koomy.api.ResourceTests;
import com.koomy.events.Event;
import com.koomy.events.EventStaff;
import com.koomy.events.ScannerAccess;
import com.koomy.memberships.Membership;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link EventStaffResource} alone: its access rules, its refusals and what it answers. */
class EventStaffResourceTest {

    private static ResourceEvents services;

    @RegisterExtension
    static ResourceTests api = ResourceTests.of(t -> {
        services = new ResourceEvents(t);
        return new EventStaffResource(new EventStaff(t.jdbi(), new ScannerAccess(t.jdbi())));
    });

    @Test
    void grantAnswers201ThenAlready200AndTheListShowsTheGrant() {
        ResourceCommunity club = ResourceCommunity.create(api, "Door club");
        Event event = services.event(club, "Door", 10);
        ApiCalls.User doorman = club.member("Doorman");
        String staff = "/api/events/" + event.id() + "/staff";

        ApiReply granted = api.as(club.owner()).put(staff + "/" + doorman.id(), Map.of());
        assertThat(granted.status()).isEqualTo(201);
        assertThat(granted.body().get("eventId").asText()).isEqualTo(event.id().toString());
        assertThat(granted.body().get("accountId").asText()).isEqualTo(doorman.id().toString());
        assertThat(api.as(club.owner()).put(staff + "/" + doorman.id(), Map.of()).status()).isEqualTo(200);
        assertThat(api.count("event_staff")).isPositive();

        JsonNode items = api.as(club.owner()).get(staff).body().get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("accountId").asText()).isEqualTo(doorman.id().toString());
        assertThat(items.get(0).get("name").asText()).isEqualTo("Doorman");
        assertThat(items.get(0).get("email").asText()).isEqualTo(doorman.email());
        assertThat(items.get(0).get("grantedBy").asText()).isEqualTo(club.owner().id().toString());

        assertThat(api.as(club.owner()).delete(staff + "/" + doorman.id()).status()).isEqualTo(204);
        assertThat(api.as(club.owner()).get(staff).body().get("items")).isEmpty();
        api.as(club.owner()).delete(staff + "/" + doorman.id()).assertError(404, "staff_not_found");
    }

    @Test
    void onlyManagersGrantAndOnlyActiveMembersAreGranted() {
        ResourceCommunity club = ResourceCommunity.create(api, "Strict door club");
        Event event = services.event(club, "Strict door", 10);
        ApiCalls.User member = club.member("Member");
        ApiCalls.User pending = club.member("Pending", Membership.MEMBER, Membership.PENDING);
        String staff = "/api/events/" + event.id() + "/staff";
        long rows = api.count("event_staff");

        api.anonymous().put(staff + "/" + member.id(), Map.of()).assertError(401, "unauthorized");
        api.as(member).put(staff + "/" + member.id(), Map.of()).assertError(403, "forbidden");
        api.as(member).get(staff).assertError(403, "forbidden");
        api.as(member).delete(staff + "/" + member.id()).assertError(403, "forbidden");
        api.as(club.owner()).put(staff + "/" + pending.id(), Map.of()).assertError(409, "not_active_member");
        api.as(club.owner()).put(staff + "/" + UUID.randomUUID(), Map.of()).assertError(409, "not_active_member");
        assertThat(api.as(club.owner()).put("/api/events/" + UUID.randomUUID() + "/staff/" + member.id(), Map.of())
                .status()).isEqualTo(404);

        assertThat(api.count("event_staff")).isEqualTo(rows);
        assertThat(api.as(club.admin("Admin")).put(staff + "/" + member.id(), Map.of()).status()).isEqualTo(201);
    }
}
