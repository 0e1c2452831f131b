package com.koomy.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.stripe.StripeGateway;
import com.koomy.stripe.events.StripeEvent;
import com.koomy.stripe.events.StripeEventHandlers;
import com.koomy.stripe.events.StripeEventRefusedException;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Subscription and invoice events keep a community's plan current. A subscription carries no version,
 * so the handler locks the community's row and re-fetches the subscription from Stripe under that
 * lock: whatever order {@code created}, {@code updated} and {@code deleted} arrive in, and however many
 * workers apply them at once, the row ends with Stripe's current state (each application writes what
 * Stripe says now, and the lock orders them). The event only says which subscription to look at.
 */
public class BillingEvents {

    private static final Logger LOG = LoggerFactory.getLogger(BillingEvents.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StripeGateway stripe;
    private final Plans plans;

    public BillingEvents(StripeGateway stripe, Plans plans) {
        this.stripe = stripe;
        this.plans = plans;
    }

    public StripeEventHandlers register(StripeEventHandlers handlers) {
        return handlers.register("customer.subscription.created", this::subscriptionChanged)
                .register("customer.subscription.updated", this::subscriptionChanged)
                .register("customer.subscription.deleted", this::subscriptionChanged)
                .register("invoice.paid", this::invoiceSettled)
                .register("invoice.payment_failed", this::invoiceSettled);
    }

    void subscriptionChanged(Handle handle, StripeEvent event) throws Exception {
        JsonNode subscription = object(event);
        apply(handle, event, subscription.path("id").asText(), subscription.path("customer").asText(),
                subscription.path("metadata"), null, null);
    }

    void invoiceSettled(Handle handle, StripeEvent event) throws Exception {
        JsonNode invoice = object(event);
        // Older API versions name the subscription at the top, newer ones under parent.subscription_details.
        String subscription = invoice.path("subscription").isTextual() ? invoice.path("subscription").asText()
                : invoice.path("parent").path("subscription_details").path("subscription").asText(null);
        if (subscription == null) {
            return; // a one-off invoice: not a plan
        }
        String status = "invoice.paid".equals(event.type()) ? "paid" : "payment_failed";
        apply(handle, event, subscription, invoice.path("customer").asText(),
                invoice.path("parent").path("subscription_details").path("metadata"), invoice.path("id").asText(), status);
    }

    private void apply(Handle handle, StripeEvent event, String subscriptionId, String customer, JsonNode metadata,
                       String invoiceId, String invoiceStatus) {
        if (event.account() != null) {
            return; // a connected account's own billing, not a Koomy plan
        }
        SubscriptionDao dao = handle.attach(SubscriptionDao.class);
        Subscription row = dao.lockByCustomer(customer)
                .orElseThrow(() -> new StripeEventRefusedException("no community has the Stripe customer " + customer));
        String claimed = metadata.path(Subscriptions.META_COMMUNITY).asText(null);
        if (claimed != null && !claimed.equals(row.communityId().toString())) {
            throw new StripeEventRefusedException("metadata names community " + claimed + " but customer " + customer
                    + " belongs to community " + row.communityId());
        }
        JsonNode current = stripe.get("/v1/subscriptions/" + subscriptionId, Map.of(), null);
        if (!customer.equals(current.path("customer").asText())) {
            throw new StripeEventRefusedException("subscription " + subscriptionId + " belongs to another customer");
        }
        String status = current.path("status").asText();
        if (row.subscriptionId() != null && !row.subscriptionId().equals(subscriptionId)
                && Subscriptions.isLive(row.status()) && !Subscriptions.isLive(status)) {
            LOG.info("Subscription {} ({}) is not the community's live one ({}); left as is", subscriptionId, status,
                    row.subscriptionId());
            return;
        }
        JsonNode item = current.path("items").path("data").path(0);
        String priceId = item.path("price").path("id").asText(null);
        Optional<Plan> plan = Optional.ofNullable(priceId).flatMap(plans::byPrice);
        if (plan.isEmpty() && Subscriptions.isLive(status)) {
            throw new IllegalStateException("subscription " + subscriptionId + " is on price " + priceId
                    + ", which no configured plan has: add it to payments.plans, then replay this event");
        }
        String effective = Subscriptions.isLive(status) ? plan.get().id() : plans.free().id();
        // Newer API versions put the period on the item, older ones on the subscription.
        long periodEnd = current.path("current_period_end").asLong(item.path("current_period_end").asLong(0));
        String latestInvoice = current.path("latest_invoice").isTextual() ? current.path("latest_invoice").asText()
                : current.path("latest_invoice").path("id").asText(null);
        boolean aboutLatest = invoiceId != null && invoiceId.equals(latestInvoice);
        dao.sync(new SubscriptionDao.StripeState(row.communityId(), effective, subscriptionId, priceId, status,
                periodEnd == 0 ? null : Instant.ofEpochSecond(periodEnd), current.path("cancel_at_period_end").asBoolean(false),
                aboutLatest ? invoiceId : null, aboutLatest ? invoiceStatus : null));
    }

    private static JsonNode object(StripeEvent event) throws java.io.IOException {
        return JSON.readTree(event.payload()).path("data").path("object");
    }
}
