package com.koomy.api.memberships;

import com.koomy.api.ApiCalls;
import com.koomy.api.ApiContext;
import com.koomy.api.ResourceCommunity;
import com.koomy.api.ResourceTests;
import com.koomy.api.communities.CommunitiesRoutes;
import com.koomy.api.events.EventsRoutes;
import com.koomy.api.payments.PaymentsRoutes;
import com.koomy.billing.PlanLimits;
import com.koomy.communities.CommunityKeys;
import com.koomy.memberships.MemberFieldRules;
import com.koomy.memberships.MemberFields;
import com.koomy.testing.ApiReply;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The memberships routes of an {@code XResourceTest}, registered as KoomyApiApplication registers them (the
 * community keys, plan limits and event seats of the app), and what their tests set up and read back.
 */
final class ResourceMemberships {

    /** KOOMY_CARD_KEY_SECRET for the tests' databases only: base64 of 32 bytes. */
    static final String CARD_KEY_SECRET = Base64.getEncoder()
            .encodeToString("memberships-resource-test-key-32".getBytes(StandardCharsets.US_ASCII));

    /** Member fields: a required admins-only licence, and a level every member sees. */
    static final MemberFieldRules.Draft LICENCE = new MemberFieldRules.Draft("licence", "Licence", "text", null, true, "admins");
    static final MemberFieldRules.Draft LEVEL = new MemberFieldRules.Draft("level", "Level", "choice",
            List.of("Beginner", "Club"), false, "members");

    private ResourceMemberships() {
    }

    /** For {@code ResourceTests.registered(XResource.class, ResourceMemberships::register)}. */
    static void register(ResourceTests t) {
        ApiContext app = t.app();
        CommunityKeys keys = new CommunityKeys(app.jdbi(), app.config().getCardKeySecret());
        PlanLimits limits = new PaymentsRoutes(app).limits();
        new MembershipsRoutes(app, new CommunitiesRoutes(app).communities(), keys, limits,
                new EventsRoutes(app, keys, limits).registrations()).register(app);
    }

    private static MemberFields memberFields(ResourceTests api) {
        return new MemberFields(api.jdbi(), new CommunitiesRoutes(api.app()).communities());
    }

    /** A new public, open community whose owner defined {@link #LICENCE} and {@link #LEVEL}. */
    static ResourceCommunity withFields(ResourceTests api, String name) {
        ResourceCommunity club = ResourceCommunity.create(api, name);
        define(api, club, LICENCE, LEVEL);
        return club;
    }

    /** Defines {@code club}'s member fields, as its owner would. */
    static void define(ResourceTests api, ResourceCommunity club, MemberFieldRules.Draft... fields) {
        memberFields(api).replace(club.id(), club.owner().id(), List.of(fields));
    }

    /** A new active member of {@code club} with these field values, filled in as they would themselves. */
    static ApiCalls.User memberWith(ResourceTests api, ResourceCommunity club, String name, Map<String, String> values) {
        ApiCalls.User user = club.member(name);
        memberFields(api).writeMine(club.id(), user.id(), values);
        return user;
    }

    /** "role/status" of {@code user}'s membership of {@code club}, or "none". */
    static String membership(ResourceTests api, ResourceCommunity club, ApiCalls.User user) {
        return api.jdbi().withHandle(h -> h.createQuery(
                        "SELECT role || '/' || status FROM memberships WHERE community_id = :c AND account_id = :a")
                .bind("c", club.id()).bind("a", user.id()).mapTo(String.class).findOne().orElse("none"));
    }

    /** Rows of {@code table} about {@code club} (to show that a refused call changed nothing there). */
    static long rows(ResourceTests api, String table, ResourceCommunity club) {
        return api.count(table + " WHERE community_id = '" + club.id() + "'");
    }

    /** The names on a 200 page of members, in order. */
    static List<String> names(ApiReply page) {
        assertThat(page.status()).as(page.body().toString()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        page.body().get("items").forEach(item -> names.add(item.get("name").asText()));
        return names;
    }

    /** Marks {@code user}'s address verified, as the emailed link does. */
    static void verified(ResourceTests api, ApiCalls.User user) {
        api.jdbi().useHandle(h -> h.execute("UPDATE accounts SET email_verified_at = now() WHERE id = ?", user.id()));
    }

    /** Archives {@code club}: read-only from then on. */
    static void archive(ResourceTests api, ResourceCommunity club) {
        api.jdbi().useHandle(h -> h.execute("UPDATE communities SET archived_at = now() WHERE id = ?", club.id()));
    }
}
