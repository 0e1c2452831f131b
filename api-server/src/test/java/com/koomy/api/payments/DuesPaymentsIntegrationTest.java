package com.koomy.api.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiConfiguration;
import com.koomy.testing.TestStack;
import com.koomy.testing.ApiReply;
import com.koomy.testing.StripeStub;
import com.koomy.testing.StripeTestEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dues end to end: onboarding, tiers, Checkout on the connected account with the fee, the member's paginated
 * history and its export, and the reminders (once per period).
 */
class DuesPaymentsIntegrationTest {

    @RegisterExtension
    static TestStack<ApiConfiguration> stack = PaymentsWorld.stack();

    private final PaymentsWorld world = new PaymentsWorld(stack);

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
}
