package com.koomy.api.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceTests;
import com.koomy.api.communities.CommunitiesRoutes;
import com.koomy.communities.Communities;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.UUID;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link BillingResource} alone, as {@link PaymentsRoutes} registers it (no Stripe key): plans and the subscription. */
class BillingResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(BillingResource.class,
            t -> new PaymentsRoutes(t.app()).register(t.app(), t.limiter()));

    /** {@code owner}'s community, with {@code admin} and {@code member} active in it. */
    private static String subscriptionOf(ApiCalls.User owner, ApiCalls.User admin, ApiCalls.User member) {
        UUID id = new CommunitiesRoutes(api.app()).communities().create(owner.id(),
                new Communities.NewCommunity("Ligue de pétanque", null, "public", "open", "fr", null)).id();
        api.jdbi().useExtension(MembershipDao.class, dao -> {
            dao.insert(id, admin.id(), Membership.ADMIN, Membership.ACTIVE);
            dao.insert(id, member.id(), Membership.MEMBER, Membership.ACTIVE);
        });
        return "/api/communities/" + id + "/subscription";
    }

    @Test
    void thePlansArePublicCacheableAndCheapestFirst() {
        ApiReply plans = api.anonymous().get("/api/plans");

        assertThat(plans.status()).isEqualTo(200);
        assertThat(plans.header("Cache-Control").orElseThrow()).contains("max-age=300");
        JsonNode items = plans.body().get("items");
        assertThat(items).hasSize(3);
        assertThat(items.get(0).get("id").asText()).isEqualTo("free");
        assertThat(items.get(1).get("id").asText()).isEqualTo("association");
        assertThat(items.get(1).get("amount").asLong()).isEqualTo(1900);
        assertThat(items.get(1).get("interval").asText()).isEqualTo("month");
        assertThat(items.get(2).get("maxMembers").isNull()).isTrue();
    }

    @Test
    void theCurrentSubscriptionIsForManagersAndStartsOnTheFreePlan() {
        ApiCalls.User owner = api.account("President");
        ApiCalls.User admin = api.account("Vice");
        ApiCalls.User member = api.account("Player");
        String subscription = subscriptionOf(owner, admin, member);

        api.anonymous().get(subscription).assertError(401, "unauthorized");
        api.as(member).get(subscription).assertError(403, "forbidden");
        api.as(api.account("Rival")).get(subscription).assertError(404, "community_not_found");
        api.as(owner).get("/api/communities/" + UUID.randomUUID() + "/subscription").assertError(404, "community_not_found");

        ApiReply current = api.as(admin).get(subscription);
        assertThat(current.status()).isEqualTo(200);
        assertThat(current.body().get("plan").asText()).isEqualTo("free");
        assertThat(current.body().get("limits").get("maxMembers").asLong()).isEqualTo(100);
        assertThat(current.body().get("usage")).isNotNull();
    }

    @Test
    void checkoutIsForOwnersAndRefusesABadPlanBeforeStripe() {
        ApiCalls.User owner = api.account("Owner");
        ApiCalls.User admin = api.account("Helper");
        String checkout = subscriptionOf(owner, admin, api.account("Fan")) + "/checkout";
        long subscriptions = api.count("community_subscriptions");

        api.anonymous().post(checkout, Map.of("plan", "association")).assertError(401, "unauthorized");
        api.as(admin).post(checkout, Map.of("plan", "association")).assertError(403, "forbidden");
        assertFields(api.as(owner).post(checkout, Map.of("plan", " ")), "validation_failed", "plan");
        assertFields(api.as(owner).post(checkout, Map.of()), "validation_failed", "plan");
        assertFields(api.as(owner).post(checkout, Map.of("plan", 2)), "validation_failed", "plan");
        assertFields(api.as(owner).post(checkout, Map.of("plan", "association", "coupon", "FREE")), "unknown_field", "coupon");
        assertFields(api.as(owner).post(checkout, Map.of("plan", "platinum")), "invalid_plan", "plan");
        assertFields(api.as(owner).post(checkout, Map.of("plan", "free")), "invalid_plan", "plan");
        assertThat(api.count("community_subscriptions")).isEqualTo(subscriptions);
    }

    @Test
    void thePortalIsForOwnersWithABillingAccount() {
        ApiCalls.User owner = api.account("Founder");
        ApiCalls.User admin = api.account("Deputy");
        String portal = subscriptionOf(owner, admin, api.account("Viewer")) + "/portal";

        api.anonymous().post(portal, null).assertError(401, "unauthorized");
        api.as(admin).post(portal, null).assertError(403, "forbidden");
        api.as(owner).post(portal, null).assertError(422, "no_billing_account");
    }
}
