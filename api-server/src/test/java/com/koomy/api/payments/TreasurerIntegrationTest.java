package com.koomy.api.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The treasurer's work through the HTTP API (issue 21): payments recorded by hand extend the paid-until and
 * take the next receipt number as card payments do, are voided without losing their number; card payments
 * are refunded through Stripe on the connected account and applied when charge.refunded arrives; the list,
 * its CSV and the yearly summary honour their filters. Every refusal changes nothing.
 */
class TreasurerIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static TestStack<ApiConfiguration> stack = PaymentsWorld.stack();

    private final PaymentsWorld world = new PaymentsWorld(stack);
    private final int year = LocalDate.now(ZoneOffset.UTC).getYear();

    private ApiReply post(String path, ApiCalls.User user, String key, Object body) throws Exception {
        byte[] bytes = body == null ? null : JSON.writeValueAsBytes(body);
        return key == null ? world.api.send("POST", path, user.token(), "application/json", bytes)
                : world.api.send("POST", path, user.token(), "application/json", bytes, "Idempotency-Key", key);
    }

    private Map<String, Object> manual(ApiCalls.User member, UUID tierId, String method) {
        return new HashMap<>(Map.of("accountId", member.id().toString(), "tierId", tierId.toString(), "method", method));
    }

    private ApiCalls.User member(PaymentsWorld.Club club, String name) {
        ApiCalls.User member = world.api.user(name);
        assertThat(world.api.call("POST", "/api/communities/" + club.id() + "/join", member.token(), null).status()).isEqualTo(201);
        return member;
    }

    private LocalDate paidUntil(PaymentsWorld.Club club, ApiCalls.User member) {
        return world.jdbi.withHandle(h -> h.createQuery(
                        "SELECT dues_paid_until FROM memberships WHERE community_id = :c AND account_id = :a")
                .bind("c", club.id()).bind("a", member.id()).mapTo(LocalDate.class).findOne().orElse(null));
    }

    private long payments(PaymentsWorld.Club club) {
        return world.count("SELECT count(*) FROM payments WHERE community_id = ?", club.id());
    }

    private String cardPayment(PaymentsWorld.Club club, PaymentsWorld.Payer payer) throws Exception {
        String pi = PaymentsWorld.pi();
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.succeeded",
                PaymentsWorld.intent(club, payer, pi, "succeeded"), club.account(), Instant.now().getEpochSecond(), false));
        return pi;
    }

    /** The refunds asked of Stripe on this club's account (the stub serves every test of the class). */
    private java.util.List<com.github.tomakehurst.wiremock.verification.LoggedRequest> refundCalls(PaymentsWorld.Club club) {
        return stack.stripe.requests("POST", "/v1/refunds").stream()
                .filter(r -> club.account().equals(r.getHeader("Stripe-Account"))).toList();
    }

    private String paymentId(String pi) {
        return world.jdbi.withHandle(h -> h.createQuery("SELECT id::text FROM payments WHERE payment_intent_id = :pi")
                .bind("pi", pi).mapTo(String.class).one());
    }

    @Test
    void aPaymentRecordedByHandExtendsTakesTheNextReceiptNumberAndIsVoidedWithoutLosingIt() throws Exception {
        PaymentsWorld.Club club = world.club("Club Caisse", "acct_1Cash000000000001", "yearly");
        ApiCalls.User anna = member(club, "Anna Cash");
        String base = "/api/communities/" + club.id() + "/payments";

        ApiReply cash = post(base + "/manual", club.owner(), "cash-anna-1", manual(anna, club.tierId(), "cash"));
        assertThat(cash.status()).as(cash.body().toString()).isEqualTo(201);
        assertThat(cash.body().get("method").asText()).isEqualTo("cash");
        assertThat(cash.body().get("status").asText()).isEqualTo("succeeded");
        assertThat(cash.body().get("amount").asLong()).isEqualTo(2500);
        assertThat(cash.body().get("receiptNumber").asText()).isEqualTo("R-" + year + "-0001");
        assertThat(paidUntil(club, anna)).isEqualTo(LocalDate.of(year, 12, 31));
        assertThat(world.count("SELECT count(*) FROM emails WHERE template = 'payment_receipt' AND community_id = ? "
                + "AND variables::text LIKE ?", club.id(), "%R-" + year + "-0001%")).isEqualTo(1);

        // A retry with the same key answers the same payment: nothing recorded, extended or emailed twice.
        ApiReply retry = post(base + "/manual", club.owner(), "cash-anna-1", manual(anna, club.tierId(), "cash"));
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.body().get("id").asText()).isEqualTo(cash.body().get("id").asText());
        ApiReply sameKeyByReference = world.api.call("POST", base + "/manual", club.owner().token(),
                Map.of("accountId", anna.id().toString(), "tierId", club.tierId().toString(), "method", "cash",
                        "clientReference", "cash-anna-1"));
        assertThat(sameKeyByReference.status()).isEqualTo(200);
        assertThat(payments(club)).isEqualTo(1);
        assertThat(paidUntil(club, anna)).isEqualTo(LocalDate.of(year, 12, 31));
        assertThat(world.count("SELECT count(*) FROM emails WHERE template = 'payment_receipt' AND community_id = ?", club.id()))
                .isEqualTo(1);

        // A cheque of another member, then a card payment: the receipt numbers follow on, one sequence.
        ApiCalls.User bruno = member(club, "Bruno Cheque");
        Map<String, Object> cheque = manual(bruno, club.tierId(), "cheque");
        cheque.put("reference", "CHQ 0012345");
        cheque.put("amount", 2000);
        cheque.put("paidOn", LocalDate.now(ZoneOffset.UTC).toString());
        ApiReply chq = post(base + "/manual", club.owner(), "chq-bruno", cheque);
        assertThat(chq.status()).as(chq.body().toString()).isEqualTo(201);
        assertThat(chq.body().get("receiptNumber").asText()).isEqualTo("R-" + year + "-0002");
        assertThat(chq.body().get("reference").asText()).isEqualTo("CHQ 0012345");
        PaymentsWorld.Payer carla = world.payer(club, "Carla Card");
        String pi = cardPayment(club, carla);
        JsonNode card = world.api.get(base + "?method=card", club.owner().token()).body().get("items").get(0);
        assertThat(card.get("receiptNumber").asText()).isEqualTo("R-" + year + "-0003");

        // Void: the extension rolled back, the receipt kept and marked void; voiding again answers the same.
        ApiReply voided = post(base + "/" + cash.body().get("id").asText() + "/void", club.owner(), null,
                Map.of("reason", "counted twice"));
        assertThat(voided.status()).as(voided.body().toString()).isEqualTo(200);
        assertThat(voided.body().get("status").asText()).isEqualTo("void");
        assertThat(voided.body().get("receiptNumber").asText()).isEqualTo("R-" + year + "-0001");
        assertThat(voided.body().get("voidReason").asText()).isEqualTo("counted twice");
        assertThat(paidUntil(club, anna)).isNull();
        assertThat(world.count("SELECT count(*) FROM receipts WHERE community_id = ? AND status = 'void' AND number = 1",
                club.id())).isEqualTo(1);
        assertThat(post(base + "/" + cash.body().get("id").asText() + "/void", club.owner(), null, null).status()).isEqualTo(200);
        // A new payment takes the next number: 0001 is never issued again.
        ApiReply again = post(base + "/manual", club.owner(), "cash-anna-2", manual(anna, club.tierId(), "transfer"));
        assertThat(again.body().get("receiptNumber").asText()).isEqualTo("R-" + year + "-0004");
        assertThat(paidUntil(club, anna)).isEqualTo(LocalDate.of(year, 12, 31));
        // A card payment is refunded, not voided.
        ApiReply voidCard = post(base + "/" + paymentId(pi) + "/void", club.owner(), null, null);
        assertThat(voidCard.status()).isEqualTo(409);
        assertThat(voidCard.code()).isEqualTo("card_payment");
    }

    @Test
    void concurrentPaymentsTakeDistinctNumbersInOrderAndOneKeySentAtOnceRecordsOnce() throws Exception {
        PaymentsWorld.Club club = world.club("Club Affluence", "acct_1Rush000000000001", "yearly");
        String path = "/api/communities/" + club.id() + "/payments/manual";
        java.util.List<ApiCalls.User> members = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            members.add(member(club, "Rush Member " + i));
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            java.util.List<java.util.concurrent.Future<ApiReply>> distinct = new java.util.ArrayList<>();
            for (ApiCalls.User m : members) {
                distinct.add(pool.submit(() -> post(path, club.owner(), "rush-" + m.id(), manual(m, club.tierId(), "cash"))));
            }
            java.util.Set<String> numbers = new java.util.TreeSet<>();
            for (var f : distinct) {
                ApiReply r = f.get();
                assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
                numbers.add(r.body().get("receiptNumber").asText());
            }
            assertThat(numbers).containsExactly("R-" + year + "-0001", "R-" + year + "-0002", "R-" + year + "-0003",
                    "R-" + year + "-0004", "R-" + year + "-0005", "R-" + year + "-0006");

            ApiCalls.User late = member(club, "Rush Retry");
            java.util.List<java.util.concurrent.Future<ApiReply>> same = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                same.add(pool.submit(() -> post(path, club.owner(), "rush-same", manual(late, club.tierId(), "cash"))));
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            java.util.List<Integer> statuses = new java.util.ArrayList<>();
            for (var f : same) {
                ApiReply r = f.get();
                statuses.add(r.status());
                ids.add(r.body().get("id").asText());
            }
            assertThat(ids).hasSize(1);
            assertThat(statuses).containsOnly(200, 201).filteredOn(s -> s == 201).hasSize(1);
            assertThat(world.count("SELECT count(*) FROM payments WHERE community_id = ? AND account_id = ?", club.id(), late.id()))
                    .isEqualTo(1);
            assertThat(world.count("SELECT max(number) FROM receipts WHERE community_id = ?", club.id())).isEqualTo(7);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void everyRefusalOfAManualPaymentNamesTheFieldAndChangesNothing() throws Exception {
        PaymentsWorld.Club club = world.club("Club Refus", "acct_1Refuse00000001", "rolling_year");
        PaymentsWorld.Club other = world.club("Club Voisin", "acct_1Other0000000001", "yearly");
        ApiCalls.User dora = member(club, "Dora Member");
        ApiCalls.User admin = member(club, "Adam Admin");
        assertThat(world.api.call("PATCH", "/api/communities/" + club.id() + "/members/" + admin.id(), club.owner().token(),
                Map.of("role", "admin")).status()).isEqualTo(200);
        String base = "/api/communities/" + club.id() + "/payments";
        ApiReply ok = post(base + "/manual", admin, "ok-1", manual(dora, club.tierId(), "cash"));
        assertThat(ok.status()).as(ok.body().toString()).isEqualTo(201);
        long before = payments(club);
        LocalDate paid = paidUntil(club, dora);

        Map<String, ApiReply> refused = new java.util.LinkedHashMap<>();
        refused.put("403 forbidden", post(base + "/manual", dora, "k-member", manual(dora, club.tierId(), "cash")));
        refused.put("404 community_not_found", post(base + "/manual", other.owner(), "k-other", manual(dora, club.tierId(), "cash")));
        refused.put("404 tier_not_found", post(base + "/manual", club.owner(), "k-tier", manual(dora, other.tierId(), "cash")));
        refused.put("404 member_not_found", post(base + "/manual", club.owner(), "k-member2",
                manual(world.api.user("Nora Outsider"), club.tierId(), "cash")));
        refused.put("400 idempotency_key_required", post(base + "/manual", club.owner(), null, manual(dora, club.tierId(), "cash")));
        refused.put("400 validation_failed", post(base + "/manual", club.owner(), "k-method", manual(dora, club.tierId(), "card")));
        Map<String, Object> future = manual(dora, club.tierId(), "cash");
        future.put("paidOn", LocalDate.now(ZoneOffset.UTC).plusDays(2).toString());
        refused.put("400 invalid_paid_on", post(base + "/manual", club.owner(), "k-future", future));
        Map<String, Object> extra = manual(dora, club.tierId(), "cash");
        extra.put("status", "refunded");
        refused.put("400 unknown_field", post(base + "/manual", club.owner(), "k-extra", extra));
        Map<String, Object> otherAmount = manual(dora, club.tierId(), "cash");
        otherAmount.put("amount", 100);
        refused.put("409 idempotency_key_reused", post(base + "/manual", club.owner(), "ok-1", otherAmount));
        refused.put("400 idempotency_key_mismatch", post(base + "/manual", club.owner(), "k-a",
                Map.of("accountId", dora.id().toString(), "tierId", club.tierId().toString(), "method", "cash",
                        "clientReference", "k-b")));
        // Another community's payment through this community's path, and the other way round.
        String okId = ok.body().get("id").asText();
        refused.put("404 community_not_found (void)", post("/api/communities/" + other.id() + "/payments/" + okId + "/void",
                club.owner(), null, null));
        refused.put("404 payment_not_found", post("/api/communities/" + other.id() + "/payments/" + okId + "/void",
                other.owner(), null, null));
        refused.put("403 forbidden (void)", post(base + "/" + okId + "/void", dora, null, null));
        refused.put("404 payment_not_found (unknown)", post(base + "/" + UUID.randomUUID() + "/void", club.owner(), null, null));

        refused.forEach((expected, reply) -> {
            String[] parts = expected.split(" ");
            assertThat(reply.status()).as(expected + " " + reply.body()).isEqualTo(Integer.parseInt(parts[0]));
            assertThat(reply.code()).as(expected).isEqualTo(parts[1]);
        });
        assertThat(refused.get("404 member_not_found").error().message()).startsWith("accountId");
        assertThat(refused.get("404 tier_not_found").error().message()).startsWith("tierId");
        assertThat(refused.get("400 invalid_paid_on").error().message()).startsWith("paidOn");
        assertThat(payments(club)).isEqualTo(before);
        assertThat(payments(other)).isZero();
        assertThat(paidUntil(club, dora)).isEqualTo(paid);
        assertThat(world.count("SELECT count(*) FROM payments WHERE id = ?::uuid AND status = 'succeeded'", okId)).isEqualTo(1);
    }

    @Test
    void aCardPaymentIsRefundedOnTheConnectedAccountOnceAndAppliedWhenStripeSaysSo() throws Exception {
        PaymentsWorld.Club club = world.club("Club Remboursement", "acct_1Refund00000001", "rolling_year");
        PaymentsWorld.Payer payer = world.payer(club, "Rita Refund");
        String pi = cardPayment(club, payer);
        String paymentPath = "/api/communities/" + club.id() + "/payments/" + paymentId(pi);
        LocalDate paid = paidUntil(club, payer.user());
        assertThat(paid).isNotNull();

        stack.stripe.refundCreates("re_test0000000000000001", "pending");
        ApiReply partial = post(paymentPath + "/refund", club.owner(), "refund-1",
                Map.of("amount", 1000, "reason", "requested_by_customer"));
        assertThat(partial.status()).as(partial.body().toString()).isEqualTo(202);
        assertThat(partial.body().get("amount").asLong()).isEqualTo(1000);
        assertThat(partial.body().get("status").asText()).isEqualTo("pending");
        assertThat(partial.body().get("stripeRefundId").asText()).isEqualTo("re_test0000000000000001");
        String refundId = partial.body().get("id").asText();
        var calls = refundCalls(club);
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).getHeader("Stripe-Account")).isEqualTo(club.account());
        assertThat(calls.get(0).getHeader("Idempotency-Key")).isEqualTo("refund:" + refundId);
        String form = java.net.URLDecoder.decode(calls.get(0).getBodyAsString(), StandardCharsets.UTF_8);
        assertThat(form).contains("payment_intent=" + pi, "amount=1000", "reason=requested_by_customer",
                "metadata[koomy_refund_id]=" + refundId);

        // The retry answers the same refund without a second call to Stripe.
        ApiReply retry = post(paymentPath + "/refund", club.owner(), "refund-1", Map.of("amount", 1000));
        assertThat(retry.status()).isEqualTo(202);
        assertThat(retry.body().get("id").asText()).isEqualTo(refundId);
        assertThat(refundCalls(club)).hasSize(1);
        // Not applied before Stripe's event; more than what is left is refused.
        assertThat(world.count("SELECT amount_refunded FROM payments WHERE payment_intent_id = ?", pi)).isZero();
        ApiReply tooMuch = post(paymentPath + "/refund", club.owner(), "refund-2", Map.of("amount", 2000));
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
        assertThat(paidUntil(club, payer.user())).isEqualTo(paid);

        // The rest (no amount): 1500; when Stripe says the charge is fully refunded, the paid-until goes back.
        stack.stripe.refundCreates("re_test0000000000000002", "succeeded");
        ApiReply rest = post(paymentPath + "/refund", club.owner(), "refund-3", null);
        assertThat(rest.status()).as(rest.body().toString()).isEqualTo(202);
        assertThat(rest.body().get("amount").asLong()).isEqualTo(1500);
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "charge.refunded",
                PaymentsWorld.refundedCharge(pi, 2500), club.account(), Instant.now().getEpochSecond(), false));
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ? AND status = 'refunded'", pi)).isEqualTo(1);
        assertThat(paidUntil(club, payer.user())).isNull();
        ApiReply done = post(paymentPath + "/refund", club.owner(), "refund-4", null);
        assertThat(done.status()).isEqualTo(409);
        assertThat(done.code()).isEqualTo("not_refundable");
        assertThat(refundCalls(club)).hasSize(2);
    }

    @Test
    void refundRefusalsChangeNothingAndStripesRefusalIsSaid() throws Exception {
        PaymentsWorld.Club club = world.club("Club Refus Carte", "acct_1RefuseCard0001", "yearly");
        PaymentsWorld.Club other = world.club("Club Autre Carte", "acct_1OtherCard00001", "yearly");
        PaymentsWorld.Payer payer = world.payer(club, "Paul Payer");
        String pi = cardPayment(club, payer);
        String paymentPath = "/api/communities/" + club.id() + "/payments/" + paymentId(pi);
        ApiCalls.User cashMember = member(club, "Cassie Cash");
        ApiReply cash = post("/api/communities/" + club.id() + "/payments/manual", club.owner(), "cash-1",
                manual(cashMember, club.tierId(), "cash"));

        Map<String, ApiReply> refused = new java.util.LinkedHashMap<>();
        refused.put("403 forbidden", post(paymentPath + "/refund", payer.user(), "r-member", null));
        refused.put("404 community_not_found", post(paymentPath + "/refund", other.owner(), "r-other", null));
        refused.put("404 payment_not_found", post("/api/communities/" + other.id() + "/payments/" + paymentId(pi) + "/refund",
                other.owner(), "r-cross", null));
        refused.put("400 idempotency_key_required", post(paymentPath + "/refund", club.owner(), null, null));
        refused.put("400 validation_failed", post(paymentPath + "/refund", club.owner(), "r-reason", Map.of("reason", "bored")));
        refused.put("409 not_a_card_payment", post("/api/communities/" + club.id() + "/payments/"
                + cash.body().get("id").asText() + "/refund", club.owner(), "r-cash", null));
        refused.forEach((expected, reply) -> {
            String[] parts = expected.split(" ");
            assertThat(reply.status()).as(expected + " " + reply.body()).isEqualTo(Integer.parseInt(parts[0]));
            assertThat(reply.code()).as(expected).isEqualTo(parts[1]);
        });
        assertThat(refundCalls(club)).isEmpty();
        assertThat(world.count("SELECT count(*) FROM payment_refunds WHERE community_id = ?", club.id())).isZero();

        // Stripe refuses (the charge was disputed): 502 naming Stripe, the request kept as failed, nothing applied.
        stack.stripe.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/v1/refunds")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"code": "charge_disputed", "message": "Charge has been disputed.", "type": "invalid_request_error"}}
                        """)));
        ApiReply disputed = post(paymentPath + "/refund", club.owner(), "r-disputed", null);
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
        ApiCalls.User eve = member(club, "Eve Cash");
        ApiCalls.User fred = member(club, "Fred Transfer");
        assertThat(post(base + "/manual", club.owner(), "e1", manual(eve, club.tierId(), "cash")).status()).isEqualTo(201);
        Map<String, Object> lastYear = manual(fred, club.tierId(), "transfer");
        lastYear.put("paidOn", (year - 1) + "-12-15");
        lastYear.put("amount", 3000);
        assertThat(post(base + "/manual", club.owner(), "f1", lastYear).status()).isEqualTo(201);
        ApiReply voidMe = post(base + "/manual", club.owner(), "e2", manual(eve, club.tierId(), "cheque"));
        post(base + "/" + voidMe.body().get("id").asText() + "/void", club.owner(), null, null);
        PaymentsWorld.Payer gina = world.payer(club, "Gina Card");
        cardPayment(club, gina);

        assertThat(world.api.get(base, club.owner().token()).body().get("items")).hasSize(4);
        assertThat(world.api.get(base + "?method=cash", club.owner().token()).body().get("items")).hasSize(1);
        assertThat(world.api.get(base + "?status=void", club.owner().token()).body().get("items").get(0).get("method").asText())
                .isEqualTo("cheque");
        assertThat(world.api.get(base + "?accountId=" + eve.id(), club.owner().token()).body().get("items")).hasSize(2);
        JsonNode old = world.api.get(base + "?from=" + (year - 1) + "-01-01&to=" + (year - 1) + "-12-31", club.owner().token())
                .body().get("items");
        assertThat(old).hasSize(1);
        assertThat(old.get(0).get("receiptNumber").asText()).isEqualTo("R-" + (year - 1) + "-0001");
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
        assertThat(lines[1]).contains("\"transfer\"", "\"30.00\"", "\"R-" + (year - 1) + "-0001\"");
        assertThat(world.api.download(base + "/export.csv?status=lost", club.owner().token()).statusCode()).isEqualTo(400);
        assertThat(world.api.download(base + "/export.csv", eve.token()).statusCode()).isEqualTo(403);

        JsonNode summary = world.api.get(base + "/summary?year=" + year, club.owner().token()).body();
        assertThat(summary.get("year").asInt()).isEqualTo(year);
        Map<String, Long> byMethod = new HashMap<>();
        summary.get("items").forEach(l -> byMethod.put(l.get("method").asText(), l.get("amount").asLong()));
        assertThat(byMethod).containsExactlyInAnyOrderEntriesOf(Map.of("cash", 2500L, "card", 2500L));
        assertThat(summary.get("items").get(0).get("tierName").asText()).isEqualTo("Cotisation yearly");
        JsonNode previous = world.api.get(base + "/summary?year=" + (year - 1), club.owner().token()).body();
        assertThat(previous.get("items")).hasSize(1);
        assertThat(previous.get("items").get(0).get("net").asLong()).isEqualTo(3000);
        assertThat(world.api.get(base + "/summary?year=twenty", club.owner().token()).code()).isEqualTo("invalid_year");
        assertThat(world.api.get(base + "/summary", eve.token()).status()).isEqualTo(403);
    }
}
