package com.koomy.api.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiConfiguration;
import com.koomy.testing.TestStack;
import com.koomy.testing.ApiReply;
import com.koomy.testing.StripeStub;
import com.koomy.testing.StripeTestEvents;
import com.koomy.stripe.events.StripeEventStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Dues end to end: onboarding, tiers, Checkout on the connected account, then Stripe's webhooks as
 * Stripe sends them (duplicated, concurrent, out of order, from the wrong account) applied as the worker
 * applies them; the payment, the paid-until date and the receipt happen exactly once.
 */
class DuesPaymentsIntegrationTest {

    @RegisterExtension
    static TestStack<ApiConfiguration> stack = PaymentsWorld.stack();

    private final PaymentsWorld world = new PaymentsWorld(stack);

    private static <T> List<T> atOnce(int n, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(task));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdown();
        }
    }

    private LocalDate paidUntil(PaymentsWorld.Club club, ApiCalls.User member) {
        return world.jdbi.withHandle(h -> h.createQuery(
                        "SELECT dues_paid_until FROM memberships WHERE community_id = :c AND account_id = :a")
                .bind("c", club.id()).bind("a", member.id()).mapTo(LocalDate.class).findOne().orElse(null));
    }

    @Test
    void onboardingShowsTheAccountStatusAndCheckoutIsADirectChargeWithTheFee() throws Exception {
        ApiCalls.User owner = world.api.user("Olga Owner");
        var club = world.api.community(owner, "Club Onboarding", "public", "open");
        assertThat(world.api.get("/api/communities/" + club + "/stripe/connect", owner.token()).body().get("connected").asBoolean()).isFalse();

        world.stripe.accountCreates("acct_1Onboard0000001");
        ApiReply first = world.api.call("POST", "/api/communities/" + club + "/stripe/connect", owner.token(), null);
        ApiReply second = world.api.call("POST", "/api/communities/" + club + "/stripe/connect", owner.token(), null);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().get("url").asText()).startsWith("https://connect.stripe.com/setup/");
        assertThat(second.body().get("accountId").asText()).isEqualTo("acct_1Onboard0000001");
        // One account for the community (a second click only asks for a new link), created with its idempotency key.
        var created = stack.stripe.requests("POST", "/v1/accounts").stream()
                .filter(r -> r.getBodyAsString().contains(club.toString())).toList();
        assertThat(created).hasSize(1)
                .allSatisfy(r -> assertThat(r.getHeader("Idempotency-Key")).isEqualTo("connect-account:" + club));
        assertThat(created.get(0).getBodyAsString()).contains("type=express");

        ApiCalls.User member = world.api.user("Max Member");
        world.api.call("POST", "/api/communities/" + club + "/join", member.token(), null);
        assertThat(world.api.call("POST", "/api/communities/" + club + "/stripe/connect", member.token(), null).status()).isEqualTo(403);

        // account.updated: re-fetched from Stripe, so the row shows Stripe's current state.
        stack.stripe.accountIs("acct_1Onboard0000001", false, false, List.of("external_account", "tos_acceptance.date"));
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "account.updated",
                StripeStub.account("acct_1Onboard0000001", false, false, List.of()), "acct_1Onboard0000001",
                Instant.now().getEpochSecond(), false));
        JsonNode status = world.api.get("/api/communities/" + club + "/stripe/connect", owner.token()).body();
        assertThat(status.get("chargesEnabled").asBoolean()).isFalse();
        assertThat(status.get("requirementsDue").toString()).contains("external_account");

        ApiReply tier = world.api.call("POST", "/api/communities/" + club + "/dues/tiers", owner.token(),
                Map.of("name", "Adulte", "amount", 4000, "currency", "eur", "period", "rolling_year"));
        String tierId = tier.body().get("id").asText();
        ApiReply tooSmall = world.api.call("POST", "/api/communities/" + club + "/dues/tiers", owner.token(),
                Map.of("name", "Symbolique", "amount", 10, "currency", "eur", "period", "yearly"));
        assertThat(tooSmall.status()).isEqualTo(400);
        assertThat(tooSmall.code()).isEqualTo("validation_failed");
        ApiReply customWithoutEnd = world.api.call("POST", "/api/communities/" + club + "/dues/tiers", owner.token(),
                Map.of("name", "Saison", "amount", 3000, "currency", "eur", "period", "custom", "periodStart", "2026-09-01"));
        assertThat(customWithoutEnd.code()).isEqualTo("invalid_period");
        assertThat(world.api.get("/api/communities/" + club + "/dues/tiers", member.token()).body().get("items")).hasSize(1);
        ApiReply refused = world.api.call("POST", "/api/communities/" + club + "/dues/checkout", member.token(),
                Map.of("tierId", tierId));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.code()).isEqualTo("payments_not_enabled");

        stack.stripe.accountIs("acct_1Onboard0000001", true, true, List.of());
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "account.updated",
                StripeStub.account("acct_1Onboard0000001", true, true, List.of()), "acct_1Onboard0000001",
                Instant.now().getEpochSecond(), false));
        ApiReply checkout = world.api.call("POST", "/api/communities/" + club + "/dues/checkout", member.token(),
                Map.of("tierId", tierId));
        assertThat(checkout.status()).as(checkout.body().toString()).isEqualTo(201);
        assertThat(checkout.body().get("url").asText()).startsWith("https://checkout.stripe.com/");
        assertThat(checkout.body().get("applicationFee").asLong()).isEqualTo(120); // 3 % of 40.00
        var call = stack.stripe.requests("POST", "/v1/checkout/sessions").stream()
                .filter(r -> "acct_1Onboard0000001".equals(r.getHeader("Stripe-Account"))).findFirst().orElseThrow();
        assertThat(call.getHeader("Stripe-Account")).isEqualTo("acct_1Onboard0000001");
        assertThat(call.getHeader("Idempotency-Key")).isEqualTo("dues-checkout:" + checkout.body().get("checkoutId").asText());
        String form = java.net.URLDecoder.decode(call.getBodyAsString(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(form).contains("payment_intent_data[application_fee_amount]=120", "line_items[0][price_data][unit_amount]=4000",
                "payment_intent_data[metadata][koomy_community_id]=" + club, "metadata[koomy_account_id]=" + member.id());

        // Bad input: nothing written.
        ApiReply unknownField = world.api.call("POST", "/api/communities/" + club + "/dues/checkout", member.token(),
                Map.of("tierId", tierId, "amount", 1));
        assertThat(unknownField.status()).isEqualTo(400);
        ApiReply outsider = world.api.call("POST", "/api/communities/" + club + "/dues/checkout",
                world.api.user("Nora Outsider").token(), Map.of("tierId", tierId));
        assertThat(outsider.status()).isEqualTo(404);
    }

    @Test
    void theSameEventTenTimesAtOnceMakesOnePaymentOneExtensionOneReceipt() throws Exception {
        PaymentsWorld.Club club = world.club("Club Doublons", "acct_1Dup000000000001", "yearly");
        PaymentsWorld.Payer payer = world.payer(club, "Dora Duplicate");
        String pi = PaymentsWorld.pi();
        long now = Instant.now().getEpochSecond();
        String completed = StripeTestEvents.event(StripeTestEvents.newEventId(), "checkout.session.completed",
                PaymentsWorld.paidSession(club, payer, pi), club.account(), now, false);
        String succeeded = StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.succeeded",
                PaymentsWorld.intent(club, payer, pi, "succeeded"), club.account(), now, false);

        // Stripe delivers each 10 times at once; the API stores each once and answers 200 to all.
        assertThat(atOnce(10, () -> world.deliver(completed))).containsOnly(200);
        assertThat(atOnce(10, () -> world.deliver(succeeded))).containsOnly(200);
        assertThat(world.count("SELECT count(*) FROM stripe_events WHERE event_id IN (?, ?)",
                id(completed), id(succeeded))).isEqualTo(2);
        // Ten workers apply each at once (duplicate jobs, retries).
        atOnce(10, () -> {
            world.job.apply(id(completed));
            world.job.apply(id(succeeded));
            return null;
        });

        assertThat(world.status(id(completed))).isEqualTo(StripeEventStatus.processed);
        assertThat(world.status(id(succeeded))).isEqualTo(StripeEventStatus.processed);
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ?", pi)).isEqualTo(1);
        assertThat(world.count("SELECT count(*) FROM dues_extensions d JOIN payments p ON p.id = d.payment_id "
                + "WHERE p.payment_intent_id = ?", pi)).isEqualTo(1);
        assertThat(world.count("SELECT count(*) FROM emails WHERE template = 'payment_receipt' AND community_id = ?",
                club.id())).isEqualTo(1);
        int year = Instant.ofEpochSecond(now).atZone(ZoneOffset.UTC).getYear();
        assertThat(paidUntil(club, payer.user())).isEqualTo(LocalDate.of(year, 12, 31));
        JsonNode row = world.jdbi.withHandle(h -> h.createQuery(
                        "SELECT row_to_json(p)::text FROM payments p WHERE payment_intent_id = :pi").bind("pi", pi)
                .mapTo(String.class).one()).transform(DuesPaymentsIntegrationTest::json);
        assertThat(row.get("status").asText()).isEqualTo("succeeded");
        assertThat(row.get("amount").asLong()).isEqualTo(2500);
        assertThat(row.get("application_fee").asLong()).isEqualTo(75);
        assertThat(row.get("checkout_session_id").asText()).isEqualTo(payer.sessionId());
        assertThat(row.get("charge_id").asText()).isEqualTo("ch_" + pi.substring(3));

        // A later payment of next year's dues extends from the current end, once.
        String pi2 = PaymentsWorld.pi();
        PaymentsWorld.Payer again = new PaymentsWorld.Payer(payer.user(), checkout(club, payer.user()), "cs_test_again");
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.succeeded",
                PaymentsWorld.intent(club, again, pi2, "succeeded"), club.account(), now + 5, false));
        assertThat(paidUntil(club, payer.user())).isEqualTo(LocalDate.of(year + 1, 12, 31));
    }

    private java.util.UUID checkout(PaymentsWorld.Club club, ApiCalls.User member) {
        ApiReply c = world.api.call("POST", "/api/communities/" + club.id() + "/dues/checkout", member.token(),
                Map.of("tierId", club.tierId().toString()));
        assertThat(c.status()).isEqualTo(201);
        return java.util.UUID.fromString(c.body().get("checkoutId").asText());
    }

    @Test
    void eventsOutOfOrderEndInTheNewestStateAndARefundRollsThePaidUntilBack() throws Exception {
        PaymentsWorld.Club club = world.club("Club Désordre", "acct_1Order0000000001", "rolling_year");
        PaymentsWorld.Payer payer = world.payer(club, "Oscar Order");
        String pi = PaymentsWorld.pi();
        long t = Instant.now().getEpochSecond();

        // The refund is delivered before the payment it refunds: it waits (fails, JobRunr retries) and loses nothing.
        String refund = StripeTestEvents.event(StripeTestEvents.newEventId(), "charge.refunded",
                PaymentsWorld.refundedCharge(pi, 2500), club.account(), t + 60, false);
        assertThat(world.deliver(refund)).isEqualTo(200);
        assertThatThrownBy(() -> world.job.apply(id(refund))).hasMessageContaining("no payment recorded yet");
        assertThat(world.status(id(refund))).isEqualTo(StripeEventStatus.processing);

        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.succeeded",
                PaymentsWorld.intent(club, payer, pi, "succeeded"), club.account(), t, false));
        LocalDate paidOn = Instant.ofEpochSecond(t).atZone(ZoneOffset.UTC).toLocalDate();
        assertThat(paidUntil(club, payer.user())).isEqualTo(paidOn.plusYears(1));
        // An old failure of the same intent arrives late: the payment stays succeeded, nobody is told it failed.
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.payment_failed",
                PaymentsWorld.intent(club, payer, pi, "requires_payment_method"), club.account(), t - 30, false));
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ? AND status = 'succeeded'", pi)).isEqualTo(1);
        assertThat(world.count("SELECT count(*) FROM emails WHERE template = 'payment_failed' AND community_id = ?", club.id())).isZero();

        // The retry of the refund now applies; a partial refund event older than the full one changes nothing.
        world.job.apply(id(refund));
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "charge.refunded",
                PaymentsWorld.refundedCharge(pi, 1000), club.account(), t + 30, false));
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ? AND status = 'refunded' "
                + "AND amount_refunded = 2500", pi)).isEqualTo(1);
        assertThat(paidUntil(club, payer.user())).isNull();
        assertThat(world.count("SELECT count(*) FROM dues_extensions d JOIN payments p ON p.id = d.payment_id "
                + "WHERE p.payment_intent_id = ? AND d.rolled_back_at IS NOT NULL", pi)).isEqualTo(1);
    }

    @Test
    void aPartialRefundKeepsThePaidUntilAndAFailedPaymentTellsTheMember() throws Exception {
        PaymentsWorld.Club club = world.club("Club Échecs", "acct_1Fail00000000001", "custom");
        PaymentsWorld.Payer payer = world.payer(club, "Fanny Failed");
        String pi = PaymentsWorld.pi();
        long t = Instant.now().getEpochSecond();
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.payment_failed",
                PaymentsWorld.intent(club, payer, pi, "requires_payment_method"), club.account(), t, false));
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ? AND status = 'failed' "
                + "AND failure_message = 'Your card was declined.'", pi)).isEqualTo(1);
        assertThat(world.count("SELECT count(*) FROM emails WHERE template = 'payment_failed' AND community_id = ? "
                + "AND recipients::text LIKE ?", club.id(), "%" + payer.user().email() + "%")).isEqualTo(1);
        assertThat(paidUntil(club, payer.user())).isNull();

        // The member retries with another card: the same intent succeeds.
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.succeeded",
                PaymentsWorld.intent(club, payer, pi, "succeeded"), club.account(), t + 20, false));
        assertThat(paidUntil(club, payer.user())).isEqualTo(LocalDate.of(2027, 8, 31));
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "charge.refunded",
                PaymentsWorld.refundedCharge(pi, 500), club.account(), t + 40, false));
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ? AND status = 'partially_refunded'", pi)).isEqualTo(1);
        assertThat(paidUntil(club, payer.user())).isEqualTo(LocalDate.of(2027, 8, 31));
    }

    @Test
    void metadataNamingAnotherCommunityIsRefusedRecordedAndAppliedNowhere() throws Exception {
        PaymentsWorld.Club victim = world.club("Club Victime", "acct_1Victim0000001", "yearly");
        PaymentsWorld.Club other = world.club("Club Autre", "acct_1Other00000001", "yearly");
        PaymentsWorld.Payer payer = world.payer(victim, "Vic Payer");
        String pi = PaymentsWorld.pi();
        // A payment on the other community's account whose metadata points at the victim community.
        String forged = StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.succeeded",
                PaymentsWorld.intent(victim, payer, pi, "succeeded"), other.account(), Instant.now().getEpochSecond(), false);
        String id = world.deliverAndApply(forged);

        assertThat(world.status(id)).isEqualTo(StripeEventStatus.refused);
        assertThat(world.lastError(id)).contains("metadata names community " + victim.id())
                .contains("belongs to community " + other.id());
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ?", pi)).isZero();
        assertThat(paidUntil(victim, payer.user())).isNull();
        // Applying it again (a retry, a duplicate job) still does nothing: it is settled.
        world.job.apply(id);
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ?", pi)).isZero();

        // Livemode different from the platform's: refused too.
        String live = StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.succeeded",
                PaymentsWorld.intent(victim, payer, pi, "succeeded"), victim.account(), Instant.now().getEpochSecond(), true);
        String liveId = world.deliverAndApply(live);
        assertThat(world.status(liveId)).isEqualTo(StripeEventStatus.refused);
        assertThat(world.lastError(liveId)).contains("livemode");
        assertThat(world.count("SELECT count(*) FROM payments WHERE payment_intent_id = ?", pi)).isZero();

        // The operators see the refused events.
        ApiReply refused = world.api.get("/api/ops/stripe/events?status=refused", "ops-test-token");
        assertThat(refused.status()).isEqualTo(200);
        assertThat(refused.body().get("items").toString()).contains(id, liveId);
    }

    @Test
    void historyIsPaginatedPrivateAndExportable() throws Exception {
        PaymentsWorld.Club club = world.club("Club Historique", "acct_1History000001", "yearly");
        PaymentsWorld.Payer first = world.payer(club, "Hugo History");
        PaymentsWorld.Payer second = world.payer(club, "Hanna History");
        long t = Instant.now().getEpochSecond();
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.succeeded",
                PaymentsWorld.intent(club, first, PaymentsWorld.pi(), "succeeded"), club.account(), t, false));
        world.deliverAndApply(StripeTestEvents.event(StripeTestEvents.newEventId(), "payment_intent.succeeded",
                PaymentsWorld.intent(club, second, PaymentsWorld.pi(), "succeeded"), club.account(), t, false));

        ApiReply page1 = world.api.get("/api/communities/" + club.id() + "/payments?limit=1", club.owner().token());
        assertThat(page1.status()).isEqualTo(200);
        assertThat(page1.body().get("items")).hasSize(1);
        String cursor = page1.body().get("nextCursor").asText();
        ApiReply page2 = world.api.get("/api/communities/" + club.id() + "/payments?limit=1&cursor=" + cursor,
                club.owner().token());
        assertThat(page2.body().get("items")).hasSize(1);
        assertThat(page2.body().get("nextCursor").isNull()).isTrue();
        assertThat(page1.body().get("items").get(0).get("id")).isNotEqualTo(page2.body().get("items").get(0).get("id"));

        ApiReply mine = world.api.get("/api/communities/" + club.id() + "/payments/me", first.user().token());
        assertThat(mine.body().get("items")).hasSize(1);
        assertThat(mine.body().get("items").get(0).get("accountId").asText()).isEqualTo(first.user().id().toString());
        assertThat(world.api.get("/api/communities/" + club.id() + "/payments", first.user().token()).status()).isEqualTo(403);
        assertThat(world.api.get("/api/communities/" + club.id() + "/payments/me", world.api.user("Nina Nobody").token())
                .status()).isEqualTo(404);
        assertThat(world.api.get("/api/communities/" + club.id() + "/payments?cursor=garbage!", club.owner().token())
                .status()).isEqualTo(400);

        var csv = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://localhost:" + stack.app.getLocalPort() + "/api/communities/" + club.id() + "/payments/export.csv"))
                .header("Authorization", "Bearer " + club.owner().token()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(csv.statusCode()).isEqualTo(200);
        String[] lines = csv.body().split("\r\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("\"created_at\",\"paid_at\",\"account_id\",\"description\",\"amount\",\"currency\"");
        assertThat(lines[1]).contains("\"25.00\",\"eur\",\"0.75\",\"0.00\",\"succeeded\"");
    }

    @Test
    void duesRemindersGoOncePerPeriod() throws Exception {
        PaymentsWorld.Club club = world.club("Club Rappel", "acct_1Remind0000001", "yearly");
        PaymentsWorld.Payer soon = world.payer(club, "Rita Soon");
        PaymentsWorld.Payer later = world.payer(club, "Leo Later");
        java.time.Clock clock = java.time.Clock.fixed(Instant.parse("2026-12-20T08:00:00Z"), ZoneOffset.UTC);
        world.jdbi.useHandle(h -> {
            h.execute("UPDATE memberships SET dues_paid_until = '2026-12-31' WHERE community_id = ? AND account_id = ?",
                    club.id(), soon.user().id());
            h.execute("UPDATE memberships SET dues_paid_until = '2027-06-30' WHERE community_id = ? AND account_id = ?",
                    club.id(), later.user().id());
        });
        var reminders = new com.koomy.payments.DuesReminders(world.jdbi, 14, "http://127.0.0.1", clock);
        assertThat(reminders.run()).isGreaterThanOrEqualTo(1);
        assertThat(reminders.run()).isZero(); // the next run, the same period: nothing new
        String reminded = "SELECT count(*) FROM emails WHERE template = 'dues_reminder' AND community_id = ? AND recipients::text LIKE ?";
        assertThat(world.count(reminded, club.id(), "%" + soon.user().email() + "%")).isEqualTo(1);
        assertThat(world.count(reminded, club.id(), "%" + later.user().email() + "%")).isZero();
        // Paid for the next period; a year later, the reminder of that period goes out.
        world.jdbi.useHandle(h -> h.execute("UPDATE memberships SET dues_paid_until = '2027-12-31' WHERE community_id = ? "
                + "AND account_id = ?", club.id(), soon.user().id()));
        new com.koomy.payments.DuesReminders(world.jdbi, 14, "http://127.0.0.1",
                java.time.Clock.fixed(Instant.parse("2027-12-22T08:00:00Z"), ZoneOffset.UTC)).run();
        assertThat(world.count(reminded, club.id(), "%" + soon.user().email() + "%")).isEqualTo(2);
    }

    private static String id(String payload) {
        return json(payload).get("id").asText();
    }

    private static JsonNode json(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
