package com.koomy.api.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiConfiguration;
import com.koomy.testing.TestStack;
import com.koomy.testing.ApiReply;
import com.koomy.testing.StripeTestEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The treasurer's card payments through the HTTP API (issue 21): refunded through Stripe on the connected account
 * and applied when charge.refunded arrives; the list, its CSV and the yearly summary honour their filters.
 * Every refusal changes nothing.
 */
class TreasurerIntegrationTest {

    @RegisterExtension
    static TestStack<ApiConfiguration> stack = PaymentsWorld.stack();

    private final PaymentsWorld world = new PaymentsWorld(stack);
    private final TreasurerCalls t = new TreasurerCalls(world);

    @Test
    void aCardPaymentIsRefundedOnTheConnectedAccountOnceAndAppliedWhenStripeSaysSo() throws Exception {
        PaymentsWorld.Club club = world.club("Club Remboursement", "acct_1Refund00000001", "rolling_year");
        PaymentsWorld.Payer payer = world.payer(club, "Rita Refund");
        String pi = t.cardPayment(club, payer);
        String paymentPath = "/api/communities/" + club.id() + "/payments/" + t.paymentId(pi);
        LocalDate paid = world.paidUntil(club, payer.user());
        assertThat(paid).isNotNull();

        stack.stripe.refundCreates("re_test0000000000000001", "pending");
        ApiReply partial = t.post(paymentPath + "/refund", club.owner(), "refund-1",
                Map.of("amount", 1000, "reason", "requested_by_customer"));
        assertThat(partial.status()).as(partial.body().toString()).isEqualTo(202);
        assertThat(partial.body().get("amount").asLong()).isEqualTo(1000);
        assertThat(partial.body().get("status").asText()).isEqualTo("pending");
        assertThat(partial.body().get("stripeRefundId").asText()).isEqualTo("re_test0000000000000001");
        String refundId = partial.body().get("id").asText();
        var calls = t.refundCalls(club);
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).getHeader("Stripe-Account")).isEqualTo(club.account());
        assertThat(calls.get(0).getHeader("Idempotency-Key")).isEqualTo("refund:" + refundId);
        String form = java.net.URLDecoder.decode(calls.get(0).getBodyAsString(), StandardCharsets.UTF_8);
        assertThat(form).contains("payment_intent=" + pi, "amount=1000", "reason=requested_by_customer",
                "metadata[koomy_refund_id]=" + refundId);

        // The retry answers the same refund without a second call to Stripe.
        ApiReply retry = t.post(paymentPath + "/refund", club.owner(), "refund-1", Map.of("amount", 1000));
        assertThat(retry.status()).isEqualTo(202);
        assertThat(retry.body().get("id").asText()).isEqualTo(refundId);
        assertThat(t.refundCalls(club)).hasSize(1);
        // Not applied before Stripe's event; more than what is left is refused.
        assertThat(world.count("SELECT amount_refunded FROM payments WHERE payment_intent_id = ?", pi)).isZero();
        ApiReply tooMuch = t.post(paymentPath + "/refund", club.owner(), "refund-2", Map.of("amount", 2000));
        assertThat(tooMuch.status()).isEqualTo(422);
        assertThat(tooMuch.code()).isEqualTo("amount_too_large");
        assertThat(tooMuch.error().message()).startsWith("amount: at most 1500");

        ObjectNode charge = PaymentsWorld.refundedCharge(pi, 1000);
        charge.putObject("refunds").putArray("data").addObject().put("id", "re_test0000000000000001").put("status", "succeeded");
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "charge.refunded", charge, club.account(),
                Instant.now().getEpochSecond(), false));
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ? AND status = 'partially_refunded' "
                + "AND amount_refunded = 1000", pi)).isEqualTo(1);
        assertThat(world.count("SELECT count(*) FROM payment_refunds WHERE id = ?::uuid AND status = 'succeeded'", refundId))
                .isEqualTo(1);
        assertThat(world.paidUntil(club, payer.user())).isEqualTo(paid);

        // The rest (no amount): 1500; when Stripe says the charge is fully refunded, the paid-until goes back.
        stack.stripe.refundCreates("re_test0000000000000002", "succeeded");
        ApiReply rest = t.post(paymentPath + "/refund", club.owner(), "refund-3", null);
        assertThat(rest.status()).as(rest.body().toString()).isEqualTo(202);
        assertThat(rest.body().get("amount").asLong()).isEqualTo(1500);
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "charge.refunded",
                PaymentsWorld.refundedCharge(pi, 2500), club.account(), Instant.now().getEpochSecond(), false));
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ? AND status = 'refunded'", pi)).isEqualTo(1);
        assertThat(world.paidUntil(club, payer.user())).isNull();
        ApiReply done = t.post(paymentPath + "/refund", club.owner(), "refund-4", null);
        assertThat(done.status()).isEqualTo(409);
        assertThat(done.code()).isEqualTo("not_refundable");
        assertThat(t.refundCalls(club)).hasSize(2);
    }

    @Test
    void refundRefusalsChangeNothingAndStripesRefusalIsSaid() throws Exception {
        PaymentsWorld.Club club = world.club("Club Refus Carte", "acct_1RefuseCard0001", "yearly");
        PaymentsWorld.Club other = world.club("Club Autre Carte", "acct_1OtherCard00001", "yearly");
        PaymentsWorld.Payer payer = world.payer(club, "Paul Payer");
        String pi = t.cardPayment(club, payer);
        String paymentPath = "/api/communities/" + club.id() + "/payments/" + t.paymentId(pi);
        ApiCalls.User cashMember = t.member(club, "Cassie Cash");
        ApiReply cash = t.post("/api/communities/" + club.id() + "/payments/manual", club.owner(), "cash-1",
                t.manual(cashMember, club.tierId(), "cash"));

        Map<String, ApiReply> refused = new java.util.LinkedHashMap<>();
        refused.put("403 forbidden", t.post(paymentPath + "/refund", payer.user(), "r-member", null));
        refused.put("404 community_not_found", t.post(paymentPath + "/refund", other.owner(), "r-other", null));
        refused.put("404 payment_not_found", t.post("/api/communities/" + other.id() + "/payments/" + t.paymentId(pi) + "/refund",
                other.owner(), "r-cross", null));
        refused.put("400 idempotency_key_required", t.post(paymentPath + "/refund", club.owner(), null, null));
        refused.put("400 validation_failed", t.post(paymentPath + "/refund", club.owner(), "r-reason", Map.of("reason", "bored")));
        refused.put("409 not_a_card_payment", t.post("/api/communities/" + club.id() + "/payments/"
                + cash.body().get("id").asText() + "/refund", club.owner(), "r-cash", null));
        refused.forEach((expected, reply) -> {
            String[] parts = expected.split(" ");
            assertThat(reply.status()).as(expected + " " + reply.body()).isEqualTo(Integer.parseInt(parts[0]));
            assertThat(reply.code()).as(expected).isEqualTo(parts[1]);
        });
        assertThat(t.refundCalls(club)).isEmpty();
        assertThat(world.count("SELECT count(*) FROM payment_refunds WHERE community_id = ?", club.id())).isZero();

        // Stripe refuses (the charge was disputed): 502 naming Stripe, the request kept as failed, nothing applied.
        stack.stripe.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/v1/refunds")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"code": "charge_disputed", "message": "Charge has been disputed.", "type": "invalid_request_error"}}
                        """)));
        ApiReply disputed = t.post(paymentPath + "/refund", club.owner(), "r-disputed", null);
        assertThat(disputed.status()).as(disputed.body().toString()).isEqualTo(502);
        assertThat(disputed.code()).isEqualTo("stripe_refused");
        assertThat(world.count("SELECT count(*) FROM payment_refunds WHERE community_id = ? AND status = 'failed'", club.id()))
                .isEqualTo(1);
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ? AND status = 'succeeded' "
                + "AND amount_refunded = 0", pi)).isEqualTo(1);
    }

    @Test
    void theListItsCsvAndTheYearlySummaryHonourTheirFilters() throws Exception {
        PaymentsWorld.Club club = world.club("Club Comptes", "acct_1Books00000000001", "yearly");
        String base = "/api/communities/" + club.id() + "/payments";
        ApiCalls.User eve = t.member(club, "Eve Cash");
        ApiCalls.User fred = t.member(club, "Fred Transfer");
        assertThat(t.post(base + "/manual", club.owner(), "e1", t.manual(eve, club.tierId(), "cash")).status()).isEqualTo(201);
        Map<String, Object> lastYear = t.manual(fred, club.tierId(), "transfer");
        lastYear.put("paidOn", (t.year - 1) + "-12-15");
        lastYear.put("amount", 3000);
        assertThat(t.post(base + "/manual", club.owner(), "f1", lastYear).status()).isEqualTo(201);
        ApiReply voidMe = t.post(base + "/manual", club.owner(), "e2", t.manual(eve, club.tierId(), "cheque"));
        t.post(base + "/" + voidMe.body().get("id").asText() + "/void", club.owner(), null, null);
        PaymentsWorld.Payer gina = world.payer(club, "Gina Card");
        t.cardPayment(club, gina);

        assertThat(world.api.get(base, club.owner().token()).body().get("items")).hasSize(4);
        assertThat(world.api.get(base + "?method=cash", club.owner().token()).body().get("items")).hasSize(1);
        assertThat(world.api.get(base + "?status=void", club.owner().token()).body().get("items").get(0).get("method").asText())
                .isEqualTo("cheque");
        assertThat(world.api.get(base + "?accountId=" + eve.id(), club.owner().token()).body().get("items")).hasSize(2);
        JsonNode old = world.api.get(base + "?from=" + (t.year - 1) + "-01-01&to=" + (t.year - 1) + "-12-31", club.owner().token())
                .body().get("items");
        assertThat(old).hasSize(1);
        assertThat(old.get(0).get("receiptNumber").asText()).isEqualTo("R-" + (t.year - 1) + "-0001");
        JsonNode page1 = world.api.get(base + "?status=succeeded&limit=2", club.owner().token()).body();
        assertThat(page1.get("items")).hasSize(2);
        JsonNode page2 = world.api.get(base + "?status=succeeded&limit=2&cursor=" + page1.get("nextCursor").asText(),
                club.owner().token()).body();
        assertThat(page2.get("items")).hasSize(1);
        assertThat(page2.get("items").get(0).get("status").asText()).isEqualTo("succeeded");

        for (String bad : new String[] {"method=bitcoin invalid_method", "status=lost invalid_status",
                "from=yesterday invalid_from", "accountId=42 invalid_accountId", "from=2026-02-01&to=2026-01-01 invalid_period"}) {
            String[] parts = bad.split(" ");
            ApiReply reply = world.api.get(base + "?" + parts[0], club.owner().token());
            assertThat(reply.status()).as(bad).isEqualTo(400);
            assertThat(reply.code()).as(bad).isEqualTo(parts[1]);
        }

        var csv = world.api.download(base + "/export.csv?method=transfer", club.owner().token());
        assertThat(csv.statusCode()).isEqualTo(200);
        String[] lines = csv.body().split("\r\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).contains("\"method\"", "\"receipt_number\"");
        assertThat(lines[1]).contains("\"transfer\"", "\"30.00\"", "\"R-" + (t.year - 1) + "-0001\"");
        assertThat(world.api.download(base + "/export.csv?status=lost", club.owner().token()).statusCode()).isEqualTo(400);
        assertThat(world.api.download(base + "/export.csv", eve.token()).statusCode()).isEqualTo(403);

        JsonNode summary = world.api.get(base + "/summary?year=" + t.year, club.owner().token()).body();
        assertThat(summary.get("year").asInt()).isEqualTo(t.year);
        Map<String, Long> byMethod = new HashMap<>();
        summary.get("items").forEach(l -> byMethod.put(l.get("method").asText(), l.get("amount").asLong()));
        assertThat(byMethod).containsExactlyInAnyOrderEntriesOf(Map.of("cash", 2500L, "card", 2500L));
        assertThat(summary.get("items").get(0).get("tierName").asText()).isEqualTo("Cotisation yearly");
        JsonNode previous = world.api.get(base + "/summary?year=" + (t.year - 1), club.owner().token()).body();
        assertThat(previous.get("items")).hasSize(1);
        assertThat(previous.get("items").get(0).get("net").asLong()).isEqualTo(3000);
        assertThat(world.api.get(base + "/summary?year=twenty", club.owner().token()).code()).isEqualTo("invalid_year");
        assertThat(world.api.get(base + "/summary", eve.token()).status()).isEqualTo(403);
    }
}
