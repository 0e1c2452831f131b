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

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link DuesResource} alone, as {@link PaymentsRoutes} registers it (no Stripe key): tiers, connect status, checkout. */
class DuesResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(DuesResource.class,
            t -> new PaymentsRoutes(t.app()).register(t.app(), t.limiter()));

    private static final Map<String, Object> TIER = Map.of("name", "Adhésion annuelle", "amount", 2500,
            "currency", "EUR", "period", "yearly");

    private static UUID clubOf(ApiCalls.User owner, ApiCalls.User member) {
        UUID id = new CommunitiesRoutes(api.app()).communities().create(owner.id(),
                new Communities.NewCommunity("Cercle des marcheurs", null, "public", "open", "fr", null)).id();
        api.jdbi().useExtension(MembershipDao.class, dao -> dao.insert(id, member.id(), Membership.MEMBER, Membership.ACTIVE));
        return id;
    }

    @Test
    void addingATierAnswers201WithItsCurrencyLoweredAndListsItToMembers() {
        ApiCalls.User owner = api.account("Treasurer");
        ApiCalls.User member = api.account("Walker");
        UUID club = clubOf(owner, member);

        ApiReply created = api.as(owner).post("/api/communities/" + club + "/dues/tiers", TIER);

        assertThat(created.status()).isEqualTo(201);
        JsonNode tier = created.body();
        assertThat(tier.get("name").asText()).isEqualTo("Adhésion annuelle");
        assertThat(tier.get("amount").asLong()).isEqualTo(2500);
        assertThat(tier.get("currency").asText()).isEqualTo("eur");
        assertThat(tier.get("period").asText()).isEqualTo("yearly");
        assertThat(tier.get("communityId").asText()).isEqualTo(club.toString());
        JsonNode listed = api.as(member).get("/api/communities/" + club + "/dues/tiers").body().get("items");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("id").asText()).isEqualTo(tier.get("id").asText());
        api.as(api.account("Outsider")).get("/api/communities/" + club + "/dues/tiers").assertError(404, "community_not_found");
        api.anonymous().get("/api/communities/" + club + "/dues/tiers").assertError(401, "unauthorized");
    }

    @Test
    void aTierWithBadValuesIsRefusedNamingTheFieldAndNothingIsStored() {
        ApiCalls.User owner = api.account("Strict");
        UUID club = clubOf(owner, api.account("Bystander"));
        long tiers = api.count("dues_tiers");

        assertFields(tier(owner, club, "name", null), "validation_failed", "name");
        assertFields(tier(owner, club, "name", "  "), "validation_failed", "name");
        assertFields(tier(owner, club, "name", "n".repeat(101)), "validation_failed", "name");
        assertFields(tier(owner, club, "amount", 49), "validation_failed", "amount");
        assertFields(tier(owner, club, "amount", "lots"), "validation_failed", "amount");
        assertFields(tier(owner, club, "period", "monthly"), "validation_failed", "period");
        assertFields(tier(owner, club, "currency", "euro"), "invalid_currency", "currency");
        assertFields(tier(owner, club, "period", "custom"), "invalid_period", "periodStart");
        assertFields(tier(owner, club, "stripePriceId", "price_1"), "unknown_field", "stripePriceId");
        api.as(owner).send("POST", "/api/communities/" + club + "/dues/tiers", "null").assertError(400, "validation_failed");

        Map<String, Object> backwards = new HashMap<>(TIER);
        backwards.putAll(Map.of("period", "custom", "periodStart", "2026-09-01", "periodEnd", "2026-08-31"));
        assertFields(api.as(owner).post("/api/communities/" + club + "/dues/tiers", backwards), "invalid_period", "periodEnd");
        assertThat(api.count("dues_tiers")).isEqualTo(tiers);
    }

    @Test
    void tiersAreManagedByManagersOnlyAndRetiringAnUnknownOneIs404() {
        ApiCalls.User owner = api.account("Chair");
        ApiCalls.User member = api.account("Regular");
        UUID club = clubOf(owner, member);
        String tiers = "/api/communities/" + club + "/dues/tiers";

        api.anonymous().post(tiers, TIER).assertError(401, "unauthorized");
        api.as(member).post(tiers, TIER).assertError(403, "forbidden");
        api.as(api.account("Foreigner")).post(tiers, TIER).assertError(404, "community_not_found");
        assertThat(api.count("dues_tiers WHERE community_id = '" + club + "'")).isZero();

        String id = api.as(owner).post(tiers, TIER).body().get("id").asText();
        api.as(member).delete(tiers + "/" + id).assertError(403, "forbidden");
        api.as(owner).delete(tiers + "/" + UUID.randomUUID()).assertError(404, "tier_not_found");
        assertThat(api.as(owner).delete(tiers + "/" + id).status()).isEqualTo(204);
        assertThat(api.as(member).get(tiers).body().get("items")).isEmpty();
        api.as(owner).delete(tiers + "/" + id).assertError(404, "tier_not_found");
    }

    @Test
    void connectStatusBeforeAnyAccountIsOnlyConnectedFalseAndConnectIsForOwners() {
        ApiCalls.User owner = api.account("Founder");
        ApiCalls.User member = api.account("Follower");
        UUID club = clubOf(owner, member);
        String connect = "/api/communities/" + club + "/stripe/connect";

        ApiReply status = api.as(owner).get(connect);
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.body().get("connected").asBoolean()).isFalse();
        assertThat(status.body().size()).isEqualTo(1);
        api.as(member).get(connect).assertError(403, "forbidden");
        api.anonymous().post(connect, null).assertError(401, "unauthorized");
        api.as(member).post(connect, null).assertError(403, "forbidden");
        api.as(owner).post(connect, null).assertError(503, "stripe_not_configured");
        assertThat(api.count("stripe_connect_accounts")).isZero();
    }

    @Test
    void checkoutChecksItsBodyAndTheCallerBeforeStripe() {
        ApiCalls.User owner = api.account("Collector");
        ApiCalls.User member = api.account("Payer");
        UUID club = clubOf(owner, member);
        String checkout = "/api/communities/" + club + "/dues/checkout";
        String tier = api.as(owner).post("/api/communities/" + club + "/dues/tiers", TIER).body().get("id").asText();

        api.anonymous().post(checkout, Map.of("tierId", tier)).assertError(401, "unauthorized");
        assertFields(api.as(member).post(checkout, Map.of()), "validation_failed", "tierId");
        assertFields(api.as(member).post(checkout, Map.of("tierId", "not-a-uuid")), "validation_failed", "tierId");
        assertFields(api.as(member).post(checkout, Map.of("tierId", tier, "amount", 1)), "unknown_field", "amount");
        api.as(api.account("Gatecrasher")).post(checkout, Map.of("tierId", tier)).assertError(404, "community_not_found");
        // without a Stripe key the checkout stops before the tier and the community's account are looked at
        api.as(member).post(checkout, Map.of("tierId", tier)).assertError(503, "stripe_not_configured");
        assertThat(api.count("dues_checkouts")).isZero();
    }

    private static ApiReply tier(ApiCalls.User owner, UUID club, String field, Object value) {
        Map<String, Object> body = new HashMap<>(TIER);
        body.put(field, value);
        return api.as(owner).post("/api/communities/" + club + "/dues/tiers", body);
    }
}
