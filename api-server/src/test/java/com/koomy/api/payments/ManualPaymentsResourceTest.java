package com.koomy.api.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceTests;
import com.koomy.api.communities.CommunitiesRoutes;
import com.koomy.communities.Communities;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;
import com.koomy.payments.DuesTiers;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link ManualPaymentsResource} alone, as {@link PaymentsRoutes} registers it (no Stripe key): record, void, refund. */
class ManualPaymentsResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(ManualPaymentsResource.class,
            t -> new PaymentsRoutes(t.app()).register(t.app(), t.limiter()));

    /** A club of {@code owner} with {@code member} active in it and one dues tier; {@code [club, tier]}. */
    private static UUID[] club(ApiCalls.User owner, ApiCalls.User member) {
        UUID id = new CommunitiesRoutes(api.app()).communities().create(owner.id(),
                new Communities.NewCommunity("Fanfare municipale", null, "private", "approval", "fr", null)).id();
        api.jdbi().useExtension(MembershipDao.class, dao -> dao.insert(id, member.id(), Membership.MEMBER, Membership.ACTIVE));
        UUID tier = new DuesTiers(api.jdbi()).create(id, owner.id(),
                new DuesTiers.NewTier("Musicien", 3000, "eur", "rolling_year", null, null)).id();
        return new UUID[] {id, tier};
    }

    private static Map<String, Object> cash(ApiCalls.User member, UUID tier) {
        Map<String, Object> body = new HashMap<>(Map.of("accountId", member.id(), "tierId", tier, "method", "cheque",
                "amount", 2800, "reference", "chèque 0042"));
        return body;
    }

    private static ApiReply record(ApiCalls.User caller, UUID club, Object body, String key) {
        return api.as(caller).send("POST", "/api/communities/" + club + "/payments/manual", body, "Idempotency-Key", key);
    }

    @Test
    void recordingAnswers201ThenTheSamePaymentWith200ForTheSameKey() {
        ApiCalls.User owner = api.account("Bandmaster");
        ApiCalls.User member = api.account("Trumpet");
        UUID[] c = club(owner, member);

        ApiReply created = record(owner, c[0], cash(member, c[1]), "receipt-42");
        assertThat(created.status()).isEqualTo(201);
        JsonNode payment = created.body();
        assertThat(payment.get("accountId").asText()).isEqualTo(member.id().toString());
        assertThat(payment.get("tierId").asText()).isEqualTo(c[1].toString());
        assertThat(payment.get("amount").asLong()).isEqualTo(2800);
        assertThat(payment.get("method").asText()).isEqualTo("cheque");
        assertThat(payment.get("status").asText()).isEqualTo("succeeded");

        ApiReply again = record(owner, c[0], cash(member, c[1]), "receipt-42");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("id").asText()).isEqualTo(payment.get("id").asText());
        assertThat(api.count("payments WHERE community_id = '" + c[0] + "'")).isEqualTo(1);
    }

    @Test
    void aBadPaymentIsRefusedNamingTheFieldAndNothingIsRecorded() {
        ApiCalls.User owner = api.account("Clerk");
        ApiCalls.User member = api.account("Drum");
        UUID[] c = club(owner, member);
        long payments = api.count("payments");

        for (Object[] bad : new Object[][] {{"accountId", null}, {"accountId", "someone"}, {"tierId", null},
                {"method", "card"}, {"method", 7}, {"amount", 0}, {"amount", "many"}, {"paidOn", "hier"},
                {"reference", "r".repeat(201)}, {"clientReference", ""}}) {
            Map<String, Object> body = cash(member, c[1]);
            body.put((String) bad[0], bad[1]);
            assertFields(record(owner, c[0], body, "k-" + bad[0]), "validation_failed", (String) bad[0]);
        }
        Map<String, Object> unknown = cash(member, c[1]);
        unknown.put("status", "refunded");
        assertFields(record(owner, c[0], unknown, "k-unknown"), "unknown_field", "status");
        Map<String, Object> future = cash(member, c[1]);
        future.put("paidOn", LocalDate.now().plusDays(2).toString());
        assertFields(record(owner, c[0], future, "k-future"), "invalid_paid_on", "paidOn");
        api.as(owner).post("/api/communities/" + c[0] + "/payments/manual", cash(member, c[1]))
                .assertError(400, "idempotency_key_required");
        Map<String, Object> mismatched = cash(member, c[1]);
        mismatched.put("clientReference", "other");
        record(owner, c[0], mismatched, "this-one").assertError(400, "idempotency_key_mismatch");
        assertThat(api.count("payments")).isEqualTo(payments);
    }

    @Test
    void recordingIsForManagersAndUnknownMembersOrTiersAre404() {
        ApiCalls.User owner = api.account("Director");
        ApiCalls.User member = api.account("Flute");
        UUID[] c = club(owner, member);

        api.anonymous().send("POST", "/api/communities/" + c[0] + "/payments/manual", cash(member, c[1]),
                "Idempotency-Key", "a").assertError(401, "unauthorized");
        record(member, c[0], cash(member, c[1]), "b").assertError(403, "forbidden");
        record(api.account("Tourist"), c[0], cash(member, c[1]), "c").assertError(404, "community_not_found");
        record(owner, c[0], cash(api.account("NotInIt"), c[1]), "d").assertError(404, "member_not_found");
        record(owner, c[0], cash(member, UUID.randomUUID()), "e").assertError(404, "tier_not_found");
        assertThat(api.count("payments WHERE community_id = '" + c[0] + "'")).isZero();
    }

    @Test
    void voidingAnswersThePaymentVoidAndChecksItsReason() {
        ApiCalls.User owner = api.account("Secretary");
        ApiCalls.User member = api.account("Oboe");
        UUID[] c = club(owner, member);
        String id = record(owner, c[0], cash(member, c[1]), "to-void").body().get("id").asText();
        String path = "/api/communities/" + c[0] + "/payments/" + id + "/void";

        assertFields(api.as(owner).post(path, Map.of("reason", "x".repeat(501))), "validation_failed", "reason");
        assertFields(api.as(owner).post(path, Map.of("why", "typo")), "unknown_field", "why");
        api.as(member).post(path, Map.of("reason", "typo")).assertError(403, "forbidden");
        api.as(owner).post("/api/communities/" + c[0] + "/payments/" + UUID.randomUUID() + "/void", null)
                .assertError(404, "payment_not_found");
        assertThat(api.count("payments WHERE status = 'void'")).isZero();

        ApiReply voided = api.as(owner).post(path, Map.of("reason", "saisie en double"));
        assertThat(voided.status()).isEqualTo(200);
        assertThat(voided.body().get("id").asText()).isEqualTo(id);
        assertThat(voided.body().get("status").asText()).isEqualTo("void");
    }

    @Test
    void aRefundChecksItsBodyAndKeyAndRefusesAPaymentMadeByHand() {
        ApiCalls.User owner = api.account("Cashier");
        ApiCalls.User member = api.account("Tuba");
        UUID[] c = club(owner, member);
        String id = record(owner, c[0], cash(member, c[1]), "to-refund").body().get("id").asText();
        String path = "/api/communities/" + c[0] + "/payments/" + id + "/refund";

        assertFields(refund(owner, path, Map.of("amount", 0), "r1"), "validation_failed", "amount");
        assertFields(refund(owner, path, Map.of("reason", "changed_mind"), "r2"), "validation_failed", "reason");
        assertFields(refund(owner, path, Map.of("amount", 10, "to", "me"), "r3"), "unknown_field", "to");
        api.as(owner).post(path, Map.of()).assertError(400, "idempotency_key_required");
        refund(member, path, Map.of(), "r4").assertError(403, "forbidden");
        refund(owner, "/api/communities/" + c[0] + "/payments/" + UUID.randomUUID() + "/refund", Map.of(), "r5")
                .assertError(404, "payment_not_found");
        refund(owner, path, Map.of(), "r6").assertError(409, "not_a_card_payment");
        assertThat(api.count("payments WHERE status = 'succeeded' AND id = '" + id + "'")).isEqualTo(1);
    }

    private static ApiReply refund(ApiCalls.User caller, String path, Object body, String key) {
        return api.as(caller).send("POST", path, body, "Idempotency-Key", key);
    }
}
