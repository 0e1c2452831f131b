package com.koomy.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.accounts.Account;
import com.koomy.accounts.AccountDao;
import com.koomy.communities.Community;
import com.koomy.communities.CommunityDao;
import com.koomy.email.EmailMessage;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailTemplate;
import com.koomy.email.Recipient;
import com.koomy.stripe.events.StripeEvent;
import com.koomy.stripe.events.StripeEventHandlers;
import com.koomy.stripe.events.StripeEventRefusedException;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The dues webhook handlers. Each runs inside the transaction that settles its event (see
 * ApplyStripeEventJob) and is idempotent by construction:
 * <ul>
 *   <li>{@code checkout.session.completed} and {@code payment_intent.succeeded} both record the payment;
 *   the first creates the row ({@code UNIQUE(payment_intent_id)}), the second finds it. Only the
 *   statement that made the payment succeed extends the membership (one {@code dues_extensions} row per
 *   payment, its primary key) and queues the receipt (idempotency key {@code receipt:<payment id>}), unless the
 *   community was archived since the checkout opened: then the payment is refunded in full instead
 *   ({@link PaymentRefunds#refundIfArchived});</li>
 *   <li>{@code charge.refunded} records the charge's refunded total (only ever grows) and, the first time
 *   it reaches the amount, rolls the paid-until date back; refunds asked through the API take Stripe's status;</li>
 *   <li>{@code payment_intent.payment_failed} records the failure and tells the member, unless the payment
 *   has succeeded since (a late event never downgrades it).</li>
 * </ul>
 * A refund that arrives before the payment it refunds fails and is retried by JobRunr until the
 * payment is there; order therefore never loses a refund.
 */
public class PaymentEvents {

    private static final Logger LOG = LoggerFactory.getLogger(PaymentEvents.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String publicUrl;

    public PaymentEvents(String publicUrl) {
        this.publicUrl = publicUrl;
    }

    public StripeEventHandlers register(StripeEventHandlers handlers) {
        return handlers.register("checkout.session.completed", this::checkoutCompleted)
                .register("checkout.session.async_payment_succeeded", this::checkoutCompleted)
                .register("payment_intent.succeeded", this::paymentIntentSucceeded)
                .register("payment_intent.payment_failed", this::paymentIntentFailed)
                .register("charge.refunded", this::chargeRefunded);
    }

    /** Thrown when a refund comes before its payment: the event is retried later. */
    public static class PaymentNotRecordedYet extends RuntimeException {
        PaymentNotRecordedYet(String paymentIntent) {
            super("no payment recorded yet for " + paymentIntent + "; retrying once its success event is applied");
        }
    }

    void checkoutCompleted(Handle handle, StripeEvent event) throws Exception {
        JsonNode session = object(event);
        if (!"payment".equals(session.path("mode").asText()) || !"paid".equals(session.path("payment_status").asText())) {
            return; // subscriptions are Billing's; an unpaid (delayed method) session waits for payment_intent.succeeded
        }
        Optional<ConnectEventScope.Scope> scope = ConnectEventScope.of(handle, event, session.path("metadata"));
        if (scope.isPresent()) {
            succeed(handle, event, scope.get(), session.path("payment_intent").asText(), session.path("id").asText(),
                    null, session.path("amount_total").asLong(), session.path("currency").asText());
        }
    }

    void paymentIntentSucceeded(Handle handle, StripeEvent event) throws Exception {
        JsonNode intent = object(event);
        Optional<ConnectEventScope.Scope> scope = ConnectEventScope.of(handle, event, intent.path("metadata"));
        if (scope.isPresent()) {
            long amount = intent.path("amount_received").asLong(intent.path("amount").asLong());
            succeed(handle, event, scope.get(), intent.path("id").asText(), null,
                    intent.path("latest_charge").isTextual() ? intent.path("latest_charge").asText() : null,
                    amount, intent.path("currency").asText());
        }
    }

    private void succeed(Handle handle, StripeEvent event, ConnectEventScope.Scope scope, String paymentIntent,
                         String sessionId, String chargeId, long amount, String currency) {
        if (paymentIntent == null || !paymentIntent.startsWith("pi_")) {
            throw new StripeEventRefusedException("a paid dues checkout without a payment intent id");
        }
        PaymentDao payments = handle.attach(PaymentDao.class);
        Instant paidAt = event.stripeCreated();
        Optional<UUID> succeeded = payments.insert(scope, new PaymentDao.Attempt(UUID.randomUUID(), paymentIntent, sessionId,
                chargeId, amount, currency.toLowerCase(java.util.Locale.ROOT), Payment.SUCCEEDED, null, paidAt));
        if (succeeded.isEmpty()) {
            succeeded = payments.succeedFailed(paymentIntent, amount, scope.applicationFee(), paidAt);
        }
        payments.fillIds(paymentIntent, sessionId, chargeId);
        if (succeeded.isPresent()) {
            Payment payment = payments.find(succeeded.get()).orElseThrow();
            if (PaymentRefunds.refundIfArchived(handle, payment)) {
                return; // paid through a checkout opened before the archive: refunded, no dues, no receipt
            }
            LocalDate paidUntil = DuesExtensions.extend(handle, payment, paidAt.atZone(ZoneOffset.UTC).toLocalDate());
            receipt(handle, payment, paidUntil);
        }
    }

    void paymentIntentFailed(Handle handle, StripeEvent event) throws Exception {
        JsonNode intent = object(event);
        Optional<ConnectEventScope.Scope> scope = ConnectEventScope.of(handle, event, intent.path("metadata"));
        if (scope.isEmpty()) {
            return;
        }
        String message = intent.path("last_payment_error").path("message").asText("the payment was declined");
        PaymentDao payments = handle.attach(PaymentDao.class);
        String pi = intent.path("id").asText();
        ConnectEventScope.Scope s = scope.get();
        if (payments.insert(s, new PaymentDao.Attempt(UUID.randomUUID(), pi, null, null, intent.path("amount").asLong(),
                intent.path("currency").asText().toLowerCase(java.util.Locale.ROOT), Payment.FAILED, message, null)).isEmpty()) {
            payments.recordFailure(pi, message);
        }
        Payment payment = payments.lockByPaymentIntent(pi).orElseThrow();
        if (!Payment.FAILED.equals(payment.status())) {
            LOG.info("payment_intent.payment_failed {} for {} arrived after it succeeded; not notifying", event.eventId(), pi);
            return;
        }
        Account member = handle.attach(AccountDao.class).find(s.accountId()).orElseThrow();
        Community community = handle.attach(CommunityDao.class).find(s.communityId()).orElseThrow();
        EmailOutbox.enqueue(handle, EmailMessage.to(new Recipient(member.email(), member.name()), EmailTemplate.PAYMENT_FAILED,
                member.locale(), Map.of("recipientName", member.name(), "communityName", community.name(),
                        "amount", Payment.format(payment.amount(), payment.currency()),
                        "currency", payment.currency().toUpperCase(), "description", payment.description(),
                        "reason", message, "payUrl", publicUrl + "/communities/" + s.communityId() + "/dues"),
                s.communityId(), "payment-failed:" + event.eventId()));
    }

    void chargeRefunded(Handle handle, StripeEvent event) throws Exception {
        JsonNode charge = object(event);
        String pi = charge.path("payment_intent").asText(null);
        if (pi == null) {
            return;
        }
        PaymentDao payments = handle.attach(PaymentDao.class);
        Optional<Payment> found = payments.lockByPaymentIntent(pi);
        if (found.isEmpty()) {
            // An Express account we created only takes payments through Koomy: a refund on it whose payment we
            // do not have yet came before its success event. Retried (JobRunr's backoff) until that is applied.
            if (event.account() != null && handle.attach(ConnectAccountDao.class).byAccount(event.account()).isPresent()) {
                throw new PaymentNotRecordedYet(pi);
            }
            return;
        }
        Payment payment = found.get();
        if (!payment.stripeAccount().equals(event.account())) {
            throw new StripeEventRefusedException("refund of " + pi + " (account " + payment.stripeAccount()
                    + ") delivered for account " + event.account());
        }
        String claimed = charge.path("metadata").path(DuesCheckouts.META_COMMUNITY).asText(null);
        if (claimed != null && !claimed.equals(payment.communityId().toString())) {
            throw new StripeEventRefusedException("charge metadata names community " + claimed + " but payment " + pi
                    + " belongs to community " + payment.communityId());
        }
        recordRefunds(handle, payment, charge.path("refunds").path("data"));
        long refunded = charge.path("amount_refunded").asLong();
        if (payments.refund(payment.id(), refunded, charge.path("id").asText(null)) == 1
                && refunded >= payment.amount() && !Payment.REFUNDED.equals(payment.status())) {
            DuesExtensions.rollBack(handle, payment);
        }
    }

    /** Refunds asked through the API (PaymentRefunds) take Stripe's status; found by Stripe's id or ours in metadata. */
    private static void recordRefunds(Handle handle, Payment payment, JsonNode refunds) {
        for (JsonNode refund : refunds) {
            String ours = refund.path("metadata").path("koomy_refund_id").asText("");
            handle.attach(PaymentRefundDao.class).recordStripeStatus(payment.id(), refund.path("id").asText(""), ours,
                    refund.path("status").asText("succeeded"));
        }
    }

    /** Numbers the receipt (Receipts) and queues its email; also used for payments a manager records. */
    static void receipt(Handle handle, Payment payment, LocalDate paidUntil) {
        Account member = handle.attach(AccountDao.class).find(payment.accountId()).orElseThrow();
        Community community = handle.attach(CommunityDao.class).find(payment.communityId()).orElseThrow();
        EmailOutbox.enqueue(handle, EmailMessage.to(new Recipient(member.email(), member.name()), EmailTemplate.PAYMENT_RECEIPT,
                member.locale(), Map.of("recipientName", member.name(), "communityName", community.name(),
                        "amount", Payment.format(payment.amount(), payment.currency()),
                        "currency", payment.currency().toUpperCase(),
                        "paidAt", payment.paidAt().atZone(ZoneOffset.UTC).toLocalDate().toString(),
                        "description", payment.description() + (paidUntil == null ? "" : " (→ " + paidUntil + ")"),
                        "receiptNumber", Receipts.issue(handle, payment)),
                payment.communityId(), "receipt:" + payment.id()));
    }

    private static JsonNode object(StripeEvent event) throws java.io.IOException {
        return JSON.readTree(event.payload()).path("data").path("object");
    }
}
