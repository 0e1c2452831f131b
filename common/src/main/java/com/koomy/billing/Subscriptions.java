package com.koomy.billing;

import jakarta.annotation.Nullable;
import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.communities.Communities;
import com.koomy.communities.Community;
import com.koomy.communities.CommunityDao;
import com.koomy.errors.ApiException;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;
import com.koomy.memberships.Memberships;
import com.koomy.stripe.StripeGateway;
import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A community's plan through Stripe Billing: Checkout in subscription mode (owners), the customer portal
 * (owners), and the current plan with its limits and usage (owners and admins). The plan itself changes
 * only from the subscription webhooks ({@link BillingEvents}).
 */
public class Subscriptions {

    public static final String META_COMMUNITY = "koomy_community_id";

    private final Jdbi jdbi;
    private final StripeGateway stripe;
    private final Plans plans;
    private final PlanLimits limits;
    private final String publicUrl;

    public Subscriptions(Jdbi jdbi, StripeGateway stripe, Plans plans, PlanLimits limits, String publicUrl) {
        this.jdbi = jdbi;
        this.stripe = stripe;
        this.plans = plans;
        this.limits = limits;
        this.publicUrl = publicUrl;
    }

    public record CheckoutLink(String sessionId, String url) {
    }

    public record Current(String plan, @Nullable String status, @Nullable Instant currentPeriodEnd, boolean cancelAtPeriodEnd,
                          @Nullable String latestInvoiceStatus, Plan limits, PlanLimits.Usage usage) {
    }

    public CheckoutLink checkout(UUID communityId, UUID callerId, String planId) {
        Community community = requireOwner(communityId, callerId);
        Plan plan = plans.byId(planId).filter(p -> !p.isFree())
                .orElseThrow(() -> ApiException.invalidField("invalid_plan", "plan", "must be one of the paid plans"));
        Subscription current = jdbi.inTransaction(handle -> {
            SubscriptionDao dao = handle.attach(SubscriptionDao.class);
            dao.ensure(communityId);
            return dao.find(communityId).orElseThrow();
        });
        if (current.subscriptionId() != null && isLive(current.status())) {
            throw new ApiException(409, "already_subscribed",
                    "this community already has a subscription: change or cancel it in the customer portal");
        }
        String customer = current.stripeCustomerId() != null ? current.stripeCustomerId() : createCustomer(community, callerId);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("mode", "subscription");
        form.put("customer", customer);
        form.put("client_reference_id", communityId.toString());
        form.put("line_items[0][price]", plan.priceId());
        form.put("line_items[0][quantity]", "1");
        form.put("metadata[" + META_COMMUNITY + "]", communityId.toString());
        form.put("subscription_data[metadata][" + META_COMMUNITY + "]", communityId.toString());
        form.put("success_url", publicUrl + "/communities/" + communityId + "/plan?session_id={CHECKOUT_SESSION_ID}");
        form.put("cancel_url", publicUrl + "/communities/" + communityId + "/plan");
        JsonNode session = stripe.postFor(communityId, callerId, "/v1/checkout/sessions", form,
                "subscription-checkout:" + communityId + ":" + UUID.randomUUID(), null);
        return new CheckoutLink(session.path("id").asText(), session.path("url").asText());
    }

    public String portal(UUID communityId, UUID callerId) {
        requireOwner(communityId, callerId);
        String customer = jdbi.withExtension(SubscriptionDao.class, dao -> dao.find(communityId))
                .map(Subscription::stripeCustomerId)
                .orElseThrow(() -> new ApiException(422, "no_billing_account", "subscribe to a plan first"));
        Map<String, String> form = Map.of("customer", customer,
                "return_url", publicUrl + "/communities/" + communityId + "/plan");
        return stripe.postFor(communityId, callerId, "/v1/billing_portal/sessions", form, "portal:" + communityId + ":" + UUID.randomUUID(), null)
                .path("url").asText();
    }

    public Current current(UUID communityId, UUID callerId) {
        return jdbi.withHandle(handle -> {
            Memberships.requireManager(handle.attach(MembershipDao.class).find(communityId, callerId));
            Subscription s = handle.attach(SubscriptionDao.class).find(communityId).orElse(null);
            Plan plan = limits.planOf(handle, communityId);
            return new Current(plan.id(), s == null ? null : s.status(), s == null ? null : s.currentPeriodEnd(),
                    s != null && s.cancelAtPeriodEnd(), s == null ? null : s.latestInvoiceStatus(), plan,
                    limits.usage(handle, communityId));
        });
    }

    /** Statuses in which the subscription still gives its plan (past_due: Stripe is retrying the payment). */
    public static boolean isLive(String status) {
        return "active".equals(status) || "trialing".equals(status) || "past_due".equals(status);
    }

    private String createCustomer(Community community, UUID callerId) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("name", community.name());
        form.put("metadata[" + META_COMMUNITY + "]", community.id().toString());
        // One customer per community, even when two owners click at once: the key is the community.
        String customer = stripe.postFor(community.id(), callerId, "/v1/customers", form, "customer:" + community.id(), null)
                .path("id").asText();
        jdbi.useExtension(SubscriptionDao.class, dao -> dao.setCustomer(community.id(), customer));
        return jdbi.withExtension(SubscriptionDao.class, dao -> dao.find(community.id())).orElseThrow().stripeCustomerId();
    }

    private Community requireOwner(UUID communityId, UUID callerId) {
        return jdbi.withHandle(handle -> {
            Membership caller = handle.attach(MembershipDao.class).find(communityId, callerId)
                    .filter(Membership::isActive).orElseThrow(Communities::notFound);
            if (!caller.isOwner()) {
                throw new ApiException(403, "forbidden", "only the community's owners manage its plan");
            }
            return handle.attach(CommunityDao.class).find(communityId).orElseThrow(Communities::notFound);
        });
    }
}
