package com.koomy.api.client;

import com.koomy.api.ApiConfiguration;
import com.koomy.api.payments.PaymentsWorld;
import com.koomy.client.api.MembershipsApi;
import com.koomy.client.api.PaymentsApi;
import com.koomy.client.model.DuesTier;
import com.koomy.client.model.ManualPaymentsManualPaymentRequest;
import com.koomy.client.model.ManualPaymentsVoidRequest;
import com.koomy.client.model.Member;
import com.koomy.client.model.Payment;
import com.koomy.client.model.PaymentSummary;
import com.koomy.testing.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dues with the generated client alone: a member pays by card (Checkout through the Stripe stub, then Stripe's
 * signed webhooks, applied as the worker applies them) and sees it in their payments and their CSV; the treasurer
 * records a cash payment with an Idempotency-Key (a retry answers the same payment), voids it, reads the year's
 * summary and exports the payments.
 */
class DuesJourneyTest {

    @RegisterExtension
    static TestStack<ApiConfiguration> stack = PaymentsWorld.stack();

    private final Journeys journeys = new Journeys(stack.app::getLocalPort, stack.db.jdbi());
    private final StripeSide stripeSide = new StripeSide(journeys, stack.stripe, stack.db, stack.app::getLocalPort);
    private final int year = LocalDate.now(ZoneOffset.UTC).getYear();

    @Test
    void aMemberPaysDuesByCardAndSeesThePaymentWhenStripeConfirmsIt() throws Exception {
        StripeSide.Club club = stripeSide.club("Aviron", "acct_1JourneyDues00001");
        com.koomy.client.model.DuesStripeConnect connect = new PaymentsApi(journeys.client(club.owner())).getStripeConnect(club.id());
        assertThat(connect.getConnected()).isTrue();
        assertThat(connect.getChargesEnabled()).isTrue();
        assertThat(connect.getAccountId()).isEqualTo(club.account());
        Map<String, List<DuesTier>> tiers = new PaymentsApi(journeys.client(club.owner())).listDuesTiers(club.id());
        assertThat(tiers.get("items")).extracting(DuesTier::getId).containsExactly(club.tierId());

        StripeSide.Checkout checkout = stripeSide.checkout(club, "Paula Payer");
        assertThat(checkout.checkout().getUrl()).startsWith("https://checkout.stripe.com/");
        assertThat(checkout.checkout().getAmount()).isEqualTo(2500L);
        PaymentsApi member = new PaymentsApi(journeys.client(checkout.member()));
        assertThat(member.listMyPayments(club.id(), null, null).getItems()).isEmpty();

        String pi = stripeSide.pays(club, checkout);
        List<Payment> mine = member.listMyPayments(club.id(), 10, null).getItems();
        assertThat(mine).hasSize(1);
        assertThat(mine.get(0).getPaymentIntentId()).isEqualTo(pi);
        assertThat(mine.get(0).getStatus()).isEqualTo("succeeded");
        assertThat(mine.get(0).getAmount()).isEqualTo(2500L);
        assertThat(Files.readString(member.exportMyPayments(club.id()).toPath())).contains("25.00");

        // the directory says the member paid
        List<Member> paid = new MembershipsApi(journeys.client(club.owner()))
                .listMembers(club.id(), null, null, "paid", null, 10, null, null).getItems();
        assertThat(paid).extracting(Member::getName).containsExactly("Paula Payer");

        // a tier that does not exist; a member who is not the treasurer
        journeys.refused("checkoutDues", 404, "tier_not_found", () -> member.checkoutDues(club.id(),
                new com.koomy.client.model.DuesCheckoutRequest().tierId(java.util.UUID.randomUUID())));
        journeys.refused("listCommunityPayments", 403, "forbidden",
                () -> member.listCommunityPayments(club.id(), null, null, null, null, null, null, null));
    }

    @Test
    void theTreasurerRecordsACashPaymentOnceVoidsItAndExportsTheYear() throws Exception {
        StripeSide.Club club = stripeSide.club("Voile", "acct_1JourneyCash00001");
        Journeys.Account anna = journeys.member(club.id(), "Anna Cash");
        PaymentsApi treasurer = new PaymentsApi(journeys.client(club.owner()));
        ManualPaymentsManualPaymentRequest cash = new ManualPaymentsManualPaymentRequest().accountId(anna.id())
                .tierId(club.tierId()).method(ManualPaymentsManualPaymentRequest.MethodEnum.CASH);

        var created = treasurer.recordManualPaymentWithHttpInfo(club.id(), cash, "cash-anna-1");
        assertThat(created.getStatusCode()).isEqualTo(201);
        Payment payment = created.getData();
        assertThat(payment.getMethod()).isEqualTo("cash");
        assertThat(payment.getReceiptNumber()).isEqualTo("R-" + year + "-0001");
        // the retry with the same key answers the same payment (200), recording nothing twice
        var retried = treasurer.recordManualPaymentWithHttpInfo(club.id(), cash, "cash-anna-1");
        assertThat(retried.getStatusCode()).isEqualTo(200);
        assertThat(retried.getData().getId()).isEqualTo(payment.getId());
        journeys.refused("recordManualPayment", 400, "idempotency_key_required",
                () -> treasurer.recordManualPayment(club.id(), cash, null));
        journeys.refused("recordManualPayment", 409, "idempotency_key_reused",
                () -> treasurer.recordManualPayment(club.id(), new ManualPaymentsManualPaymentRequest().accountId(anna.id())
                        .tierId(club.tierId()).method(ManualPaymentsManualPaymentRequest.MethodEnum.CHEQUE), "cash-anna-1"));

        PaymentSummary summary = treasurer.summarizeCommunityPayments(club.id(), Integer.toString(year));
        assertThat(summary.getItems()).hasSize(1);
        assertThat(summary.getItems().get(0).getNet()).isEqualTo(2500L);
        String csv = Files.readString(treasurer.exportCommunityPayments(club.id(), null, null, null, "cash", null).toPath());
        assertThat(csv).contains(anna.id().toString()).contains("R-" + year + "-0001");

        Payment voided = treasurer.voidManualPayment(club.id(), payment.getId(), new ManualPaymentsVoidRequest().reason("counted twice"));
        assertThat(voided.getStatus()).isEqualTo("void");
        assertThat(voided.getVoidReason()).isEqualTo("counted twice");
        assertThat(treasurer.summarizeCommunityPayments(club.id(), null).getItems()).isEmpty();
        assertThat(treasurer.listCommunityPayments(club.id(), 10, null, anna.id().toString(), null, null, null, "void")
                .getItems()).extracting(Payment::getId).containsExactly(payment.getId());
        journeys.refused("summarizeCommunityPayments", 400, "invalid_year",
                () -> treasurer.summarizeCommunityPayments(club.id(), "twenty"));
        journeys.refused("voidManualPayment", 404, "payment_not_found",
                () -> treasurer.voidManualPayment(club.id(), java.util.UUID.randomUUID(), new ManualPaymentsVoidRequest()));

        // a card payment is refunded, not voided
        StripeSide.Checkout carla = stripeSide.checkout(club, "Carla Card");
        stripeSide.pays(club, carla);
        Payment card = new PaymentsApi(journeys.client(carla.member())).listMyPayments(club.id(), null, null).getItems().get(0);
        journeys.refused("voidManualPayment", 409, "card_payment",
                () -> treasurer.voidManualPayment(club.id(), card.getId(), new ManualPaymentsVoidRequest()));
    }
}
