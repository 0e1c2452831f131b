package com.koomy.api.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiConfiguration;
import com.koomy.testing.TestStack;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Payments the treasurer records by hand through the HTTP API (issue 21): they extend the paid-until and take the
 * next receipt number as card payments do, are voided without losing their number; every refusal changes nothing.
 */
class ManualPaymentsIntegrationTest {

    @RegisterExtension
    static TestStack<ApiConfiguration> stack = PaymentsWorld.stack();

    private final PaymentsWorld world = new PaymentsWorld(stack);
    private final TreasurerCalls t = new TreasurerCalls(world);

    @Test
    void aPaymentRecordedByHandExtendsTakesTheNextReceiptNumberAndIsVoidedWithoutLosingIt() throws Exception {
        PaymentsWorld.Club club = world.club("Club Caisse", "acct_1Cash000000000001", "yearly");
        ApiCalls.User anna = t.member(club, "Anna Cash");
        String base = "/api/communities/" + club.id() + "/payments";

        ApiReply cash = t.post(base + "/manual", club.owner(), "cash-anna-1", t.manual(anna, club.tierId(), "cash"));
        assertThat(cash.status()).as(cash.body().toString()).isEqualTo(201);
        assertThat(cash.body().get("method").asText()).isEqualTo("cash");
        assertThat(cash.body().get("status").asText()).isEqualTo("succeeded");
        assertThat(cash.body().get("amount").asLong()).isEqualTo(2500);
        assertThat(cash.body().get("receiptNumber").asText()).isEqualTo("R-" + t.year + "-0001");
        assertThat(world.paidUntil(club, anna)).isEqualTo(LocalDate.of(t.year, 12, 31));
        assertThat(world.count("SELECT count(*) FROM emails WHERE template = 'payment_receipt' AND community_id = ? "
                + "AND variables::text LIKE ?", club.id(), "%R-" + t.year + "-0001%")).isEqualTo(1);

        // A retry with the same key answers the same payment: nothing recorded, extended or emailed twice.
        ApiReply retry = t.post(base + "/manual", club.owner(), "cash-anna-1", t.manual(anna, club.tierId(), "cash"));
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.body().get("id").asText()).isEqualTo(cash.body().get("id").asText());
        ApiReply sameKeyByReference = world.api.call("POST", base + "/manual", club.owner().token(),
                Map.of("accountId", anna.id().toString(), "tierId", club.tierId().toString(), "method", "cash",
                        "clientReference", "cash-anna-1"));
        assertThat(sameKeyByReference.status()).isEqualTo(200);
        assertThat(t.payments(club)).isEqualTo(1);
        assertThat(world.paidUntil(club, anna)).isEqualTo(LocalDate.of(t.year, 12, 31));
        assertThat(world.count("SELECT count(*) FROM emails WHERE template = 'payment_receipt' AND community_id = ?", club.id()))
                .isEqualTo(1);

        // A cheque of another member, then a card payment: the receipt numbers follow on, one sequence.
        ApiCalls.User bruno = t.member(club, "Bruno Cheque");
        Map<String, Object> cheque = t.manual(bruno, club.tierId(), "cheque");
        cheque.put("reference", "CHQ 0012345");
        cheque.put("amount", 2000);
        cheque.put("paidOn", LocalDate.now(ZoneOffset.UTC).toString());
        ApiReply chq = t.post(base + "/manual", club.owner(), "chq-bruno", cheque);
        assertThat(chq.status()).as(chq.body().toString()).isEqualTo(201);
        assertThat(chq.body().get("receiptNumber").asText()).isEqualTo("R-" + t.year + "-0002");
        assertThat(chq.body().get("reference").asText()).isEqualTo("CHQ 0012345");
        PaymentsWorld.Payer carla = world.payer(club, "Carla Card");
        String pi = t.cardPayment(club, carla);
        JsonNode card = world.api.get(base + "?method=card", club.owner().token()).body().get("items").get(0);
        assertThat(card.get("receiptNumber").asText()).isEqualTo("R-" + t.year + "-0003");

        // Void: the extension rolled back, the receipt kept and marked void; voiding again answers the same.
        ApiReply voided = t.post(base + "/" + cash.body().get("id").asText() + "/void", club.owner(), null,
                Map.of("reason", "counted twice"));
        assertThat(voided.status()).as(voided.body().toString()).isEqualTo(200);
        assertThat(voided.body().get("status").asText()).isEqualTo("void");
        assertThat(voided.body().get("receiptNumber").asText()).isEqualTo("R-" + t.year + "-0001");
        assertThat(voided.body().get("voidReason").asText()).isEqualTo("counted twice");
        assertThat(world.paidUntil(club, anna)).isNull();
        assertThat(world.count("SELECT count(*) FROM receipts WHERE community_id = ? AND status = 'void' AND number = 1",
                club.id())).isEqualTo(1);
        assertThat(t.post(base + "/" + cash.body().get("id").asText() + "/void", club.owner(), null, null).status()).isEqualTo(200);
        // A new payment takes the next number: 0001 is never issued again.
        ApiReply again = t.post(base + "/manual", club.owner(), "cash-anna-2", t.manual(anna, club.tierId(), "transfer"));
        assertThat(again.body().get("receiptNumber").asText()).isEqualTo("R-" + t.year + "-0004");
        assertThat(world.paidUntil(club, anna)).isEqualTo(LocalDate.of(t.year, 12, 31));
        // A card payment is refunded, not voided.
        ApiReply voidCard = t.post(base + "/" + t.paymentId(pi) + "/void", club.owner(), null, null);
        assertThat(voidCard.status()).isEqualTo(409);
        assertThat(voidCard.code()).isEqualTo("card_payment");
    }

    @Test
    void concurrentPaymentsTakeDistinctNumbersInOrderAndOneKeySentAtOnceRecordsOnce() throws Exception {
        PaymentsWorld.Club club = world.club("Club Affluence", "acct_1Rush000000000001", "yearly");
        String path = "/api/communities/" + club.id() + "/payments/manual";
        java.util.List<ApiCalls.User> members = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            members.add(t.member(club, "Rush Member " + i));
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            java.util.List<java.util.concurrent.Future<ApiReply>> distinct = new java.util.ArrayList<>();
            for (ApiCalls.User m : members) {
                distinct.add(pool.submit(() -> t.post(path, club.owner(), "rush-" + m.id(), t.manual(m, club.tierId(), "cash"))));
            }
            java.util.Set<String> numbers = new java.util.TreeSet<>();
            for (var f : distinct) {
                ApiReply r = f.get();
                assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
                numbers.add(r.body().get("receiptNumber").asText());
            }
            assertThat(numbers).containsExactly("R-" + t.year + "-0001", "R-" + t.year + "-0002", "R-" + t.year + "-0003",
                    "R-" + t.year + "-0004", "R-" + t.year + "-0005", "R-" + t.year + "-0006");

            ApiCalls.User late = t.member(club, "Rush Retry");
            java.util.List<java.util.concurrent.Future<ApiReply>> same = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                same.add(pool.submit(() -> t.post(path, club.owner(), "rush-same", t.manual(late, club.tierId(), "cash"))));
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
        ApiCalls.User dora = t.member(club, "Dora Member");
        ApiCalls.User admin = t.member(club, "Adam Admin");
        assertThat(world.api.call("PATCH", "/api/communities/" + club.id() + "/members/" + admin.id(), club.owner().token(),
                Map.of("role", "admin")).status()).isEqualTo(200);
        String base = "/api/communities/" + club.id() + "/payments";
        ApiReply ok = t.post(base + "/manual", admin, "ok-1", t.manual(dora, club.tierId(), "cash"));
        assertThat(ok.status()).as(ok.body().toString()).isEqualTo(201);
        long before = t.payments(club);
        LocalDate paid = world.paidUntil(club, dora);

        Map<String, ApiReply> refused = new java.util.LinkedHashMap<>();
        refused.put("403 forbidden", t.post(base + "/manual", dora, "k-member", t.manual(dora, club.tierId(), "cash")));
        refused.put("404 community_not_found", t.post(base + "/manual", other.owner(), "k-other", t.manual(dora, club.tierId(), "cash")));
        refused.put("404 tier_not_found", t.post(base + "/manual", club.owner(), "k-tier", t.manual(dora, other.tierId(), "cash")));
        refused.put("404 member_not_found", t.post(base + "/manual", club.owner(), "k-member2",
                t.manual(world.api.user("Nora Outsider"), club.tierId(), "cash")));
        refused.put("400 idempotency_key_required", t.post(base + "/manual", club.owner(), null, t.manual(dora, club.tierId(), "cash")));
        refused.put("400 validation_failed", t.post(base + "/manual", club.owner(), "k-method", t.manual(dora, club.tierId(), "card")));
        Map<String, Object> future = t.manual(dora, club.tierId(), "cash");
        future.put("paidOn", LocalDate.now(ZoneOffset.UTC).plusDays(2).toString());
        refused.put("400 invalid_paid_on", t.post(base + "/manual", club.owner(), "k-future", future));
        Map<String, Object> extra = t.manual(dora, club.tierId(), "cash");
        extra.put("status", "refunded");
        refused.put("400 unknown_field", t.post(base + "/manual", club.owner(), "k-extra", extra));
        Map<String, Object> otherAmount = t.manual(dora, club.tierId(), "cash");
        otherAmount.put("amount", 100);
        refused.put("409 idempotency_key_reused", t.post(base + "/manual", club.owner(), "ok-1", otherAmount));
        refused.put("400 idempotency_key_mismatch", t.post(base + "/manual", club.owner(), "k-a",
                Map.of("accountId", dora.id().toString(), "tierId", club.tierId().toString(), "method", "cash",
                        "clientReference", "k-b")));
        // Another community's payment through this community's path, and the other way round.
        String okId = ok.body().get("id").asText();
        refused.put("404 community_not_found (void)", t.post("/api/communities/" + other.id() + "/payments/" + okId + "/void",
                club.owner(), null, null));
        refused.put("404 payment_not_found", t.post("/api/communities/" + other.id() + "/payments/" + okId + "/void",
                other.owner(), null, null));
        refused.put("403 forbidden (void)", t.post(base + "/" + okId + "/void", dora, null, null));
        refused.put("404 payment_not_found (unknown)", t.post(base + "/" + UUID.randomUUID() + "/void", club.owner(), null, null));

        refused.forEach((expected, reply) -> {
            String[] parts = expected.split(" ");
            assertThat(reply.status()).as(expected + " " + reply.body()).isEqualTo(Integer.parseInt(parts[0]));
            assertThat(reply.code()).as(expected).isEqualTo(parts[1]);
        });
        assertThat(refused.get("404 member_not_found").error().message()).startsWith("accountId");
        assertThat(refused.get("404 tier_not_found").error().message()).startsWith("tierId");
        assertThat(refused.get("400 invalid_paid_on").error().message()).startsWith("paidOn");
        assertThat(t.payments(club)).isEqualTo(before);
        assertThat(t.payments(other)).isZero();
        assertThat(world.paidUntil(club, dora)).isEqualTo(paid);
        assertThat(world.count("SELECT count(*) FROM payments WHERE id = ?::uuid AND status = 'succeeded'", okId)).isEqualTo(1);
    }
}
