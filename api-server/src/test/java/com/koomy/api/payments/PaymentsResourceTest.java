package com.koomy.api.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceTests;
import com.koomy.api.communities.CommunitiesRoutes;
import com.koomy.communities.Communities;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;
import com.koomy.payments.DuesTiers;
import com.koomy.payments.ManualPayments;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.LocalDate;
import java.util.UUID;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link PaymentsResource} alone, as {@link PaymentsRoutes} registers it: the payment lists, summary and CSV. */
class PaymentsResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(PaymentsResource.class,
            t -> new PaymentsRoutes(t.app()).register(t.app(), t.limiter()));

    /** A club where {@code owner} recorded a cash payment of 1800 by {@code payer}; {@code other} paid nothing. */
    private static UUID clubWithAPayment(ApiCalls.User owner, ApiCalls.User payer, ApiCalls.User other) {
        UUID id = new CommunitiesRoutes(api.app()).communities().create(owner.id(),
                new Communities.NewCommunity("Amicale des pêcheurs", null, "public", "open", "fr", null)).id();
        api.jdbi().useExtension(MembershipDao.class, dao -> {
            dao.insert(id, payer.id(), Membership.MEMBER, Membership.ACTIVE);
            dao.insert(id, other.id(), Membership.MEMBER, Membership.ACTIVE);
        });
        UUID tier = new DuesTiers(api.jdbi()).create(id, owner.id(),
                new DuesTiers.NewTier("Pêcheur", 1800, "eur", "yearly", null, null)).id();
        new ManualPayments(api.jdbi(), Clock.systemUTC()).record(id, owner.id(), new ManualPayments.NewPayment(
                payer.id(), tier, "cash", 1800L, LocalDate.now(), "reçu 12"), UUID.randomUUID().toString());
        return id;
    }

    @Test
    void theCommunitysListIsForManagersAndMapsEachPayment() {
        ApiCalls.User owner = api.account("Treasurer");
        ApiCalls.User payer = api.account("Payer");
        UUID club = clubWithAPayment(owner, payer, api.account("Idle"));
        String list = "/api/communities/" + club + "/payments";

        api.anonymous().get(list).assertError(401, "unauthorized");
        api.as(payer).get(list).assertError(403, "forbidden");
        api.as(api.account("Outsider")).get(list).assertError(404, "community_not_found");
        api.as(owner).get("/api/communities/" + UUID.randomUUID() + "/payments").assertError(404, "community_not_found");

        ApiReply page = api.as(owner).get(list);
        assertThat(page.status()).isEqualTo(200);
        JsonNode payment = page.body().get("items").get(0);
        assertThat(page.body().get("items")).hasSize(1);
        assertThat(payment.get("accountId").asText()).isEqualTo(payer.id().toString());
        assertThat(payment.get("communityId").asText()).isEqualTo(club.toString());
        assertThat(payment.get("amount").asLong()).isEqualTo(1800);
        assertThat(payment.get("method").asText()).isEqualTo("cash");
        assertThat(api.as(owner).get(list + "?method=card").body().get("items")).isEmpty();
        assertThat(api.as(owner).get(list + "?accountId=" + payer.id()).body().get("items")).hasSize(1);
    }

    @Test
    void eachBadFilterIsRefusedNamingIt() {
        ApiCalls.User owner = api.account("Auditor");
        UUID club = clubWithAPayment(owner, api.account("Someone"), api.account("Nobody"));
        String list = "/api/communities/" + club + "/payments";

        assertFields(api.as(owner).get(list + "?limit=0"), "invalid_limit", "limit");
        assertFields(api.as(owner).get(list + "?limit=101"), "invalid_limit", "limit");
        assertFields(api.as(owner).get(list + "?limit=ten"), "invalid_limit", "limit");
        assertFields(api.as(owner).get(list + "?cursor=%25%25"), "invalid_cursor", "cursor");
        assertFields(api.as(owner).get(list + "?accountId=me"), "invalid_accountId", "accountId");
        assertFields(api.as(owner).get(list + "?from=yesterday"), "invalid_from", "from");
        assertFields(api.as(owner).get(list + "?to=2026-13-01"), "invalid_to", "to");
        assertFields(api.as(owner).get(list + "?method=bitcoin"), "invalid_method", "method");
        assertFields(api.as(owner).get(list + "?status=lost"), "invalid_status", "status");
        assertFields(api.as(owner).get(list + "/summary?year=last"), "invalid_year", "year");
        assertFields(api.as(owner).get(list + "/export.csv?from=soon"), "invalid_from", "from");
    }

    @Test
    void aMemberSeesOnlyTheirOwnPayments() {
        ApiCalls.User owner = api.account("Keeper");
        ApiCalls.User payer = api.account("Generous");
        ApiCalls.User other = api.account("Thrifty");
        UUID club = clubWithAPayment(owner, payer, other);
        String mine = "/api/communities/" + club + "/payments/me";

        assertThat(api.as(payer).get(mine).body().get("items")).hasSize(1);
        assertThat(api.as(other).get(mine).body().get("items")).isEmpty();
        assertThat(api.as(owner).get(mine).body().get("items")).isEmpty();
        api.anonymous().get(mine).assertError(401, "unauthorized");
        api.as(api.account("Passerby")).get(mine).assertError(404, "community_not_found");
        assertFields(api.as(payer).get(mine + "?limit=-1"), "invalid_limit", "limit");
    }

    @Test
    void theSummaryIsMappedForManagersAndTheCsvRefusesAsTheLists() {
        ApiCalls.User owner = api.account("Accountant");
        ApiCalls.User payer = api.account("Contributor");
        UUID club = clubWithAPayment(owner, payer, api.account("Silent"));
        String base = "/api/communities/" + club + "/payments";

        JsonNode summary = api.as(owner).get(base + "/summary").body();
        assertThat(summary.get("year").asInt()).isEqualTo(LocalDate.now().getYear());
        assertThat(summary.get("items").get(0).get("tierName").asText()).isEqualTo("Pêcheur");
        assertThat(summary.get("items").get(0).get("net").asLong()).isEqualTo(1800);
        assertThat(api.as(owner).get(base + "/summary?year=2001").body().get("items")).isEmpty();
        api.as(payer).get(base + "/summary").assertError(403, "forbidden");

        // a CSV body is not JSON, so ResourceCaller reads only the refusals; the whole app's tests read the files
        api.as(payer).get(base + "/export.csv").assertError(403, "forbidden");
        api.as(api.account("Lurker")).get(base + "/me/export.csv").assertError(404, "community_not_found");
        api.anonymous().get(base + "/me/export.csv").assertError(401, "unauthorized");
    }
}
