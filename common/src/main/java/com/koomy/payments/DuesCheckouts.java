package com.koomy.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.accounts.Account;
import com.koomy.accounts.AccountDao;
import com.koomy.communities.Communities;
import com.koomy.config.PaymentsFactory;
import com.koomy.errors.ApiException;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;
import com.koomy.stripe.StripeGateway;
import org.jdbi.v3.core.Jdbi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A member paying dues: a Stripe Checkout session created <em>on the community's connected account</em>
 * (a direct charge, {@code Stripe-Account} header; docs/architecture.md says why) with the platform's
 * application fee. The session and its payment intent carry metadata naming the community, the member
 * and our checkout id, which the webhook handlers check against the account the event comes from.
 * <p>
 * This is one of the few places where the API calls a provider while the client waits: the Checkout URL
 * only exists once Stripe made the session. The call goes through {@link StripeGateway} (shared rate
 * limit, retries) with the checkout id as idempotency key, counted against the community's and the member's
 * limits of Stripe calls; and a member asking again for the same tier while a session made for them is still
 * open (not expired, not paid) gets that session back without a call to Stripe.
 */
public class DuesCheckouts {

    public static final String META_COMMUNITY = "koomy_community_id";
    public static final String META_ACCOUNT = "koomy_account_id";
    public static final String META_CHECKOUT = "koomy_checkout_id";
    public static final String META_KIND = "koomy_kind";
    /** Sessions expire this long after they are made (Stripe allows 30 min to 24 h) ... */
    static final long SESSION_SECONDS = 3600;
    /** ... and are handed out again for this long, leaving the member ten minutes to pay. */
    static final long REUSE_SECONDS = SESSION_SECONDS - 600;

    private final Jdbi jdbi;
    private final StripeGateway stripe;
    private final PaymentsFactory config;
    private final String publicUrl;

    public DuesCheckouts(Jdbi jdbi, StripeGateway stripe, PaymentsFactory config, String publicUrl) {
        this.jdbi = jdbi;
        this.stripe = stripe;
        this.config = config;
        this.publicUrl = publicUrl;
    }

    public record Checkout(UUID checkoutId, String sessionId, String url, long amount, String currency, long applicationFee) {
    }

    private record Prepared(UUID id, DuesTier tier, ConnectAccount account, Account member, long fee, Checkout open) {
    }

    /** Active members (any role). 404 not a member or unknown tier; 409 when the community cannot take payments yet. */
    public Checkout create(UUID communityId, UUID callerId, UUID tierId) {
        Prepared prepared = jdbi.inTransaction(handle -> {
            handle.attach(MembershipDao.class).find(communityId, callerId).filter(Membership::isActive)
                    .orElseThrow(Communities::notFound);
            if (!stripe.isConfigured()) {
                throw new ApiException(503, "stripe_not_configured", "payments need STRIPE_API_KEY");
            }
            DuesTier tier = handle.attach(DuesTierDao.class).find(communityId, tierId).filter(DuesTier::active)
                    .orElseThrow(() -> new ApiException(404, "tier_not_found", "no such active dues tier"));
            ConnectAccount account = handle.attach(ConnectAccountDao.class).find(communityId)
                    .filter(ConnectAccount::chargesEnabled)
                    .orElseThrow(() -> new ApiException(422, "payments_not_enabled",
                            "this community has not finished its Stripe onboarding: it cannot take payments yet"));
            Account member = handle.attach(AccountDao.class).find(callerId).orElseThrow(Communities::notFound);
            DuesCheckoutDao checkouts = handle.attach(DuesCheckoutDao.class);
            Checkout open = checkouts.open(communityId, callerId, tierId, REUSE_SECONDS).orElse(null);
            if (open != null) {
                return new Prepared(open.checkoutId(), tier, account, member, open.applicationFee(), open);
            }
            UUID id = UUID.randomUUID();
            long fee = config.applicationFee(tier.amount());
            checkouts.insert(new DuesCheckoutDao.NewCheckout(id, communityId, callerId, tierId, account.accountId(),
                    tier.amount(), tier.currency(), fee));
            return new Prepared(id, tier, account, member, fee, null);
        });
        if (prepared.open() != null) {
            return prepared.open();
        }
        JsonNode session;
        try {
            session = stripe.postFor(communityId, callerId, "/v1/checkout/sessions", sessionParams(communityId, callerId, prepared),
                    "dues-checkout:" + prepared.id(), prepared.account().accountId());
        } catch (RuntimeException e) {
            jdbi.useHandle(h -> h.attach(DuesCheckoutDao.class).delete(prepared.id()));
            if (!StripeGateway.failed(e)) {
                throw e; // over a limit (429 rate_limited) or no slot of the shared limit (503 stripe_busy)
            }
            throw new ApiException(StripeGateway.retryable(e) || "stripe_not_configured".equals(((ApiException) e).code())
                    ? 503 : 502, "stripe_unavailable", "Stripe did not create the checkout session: " + StripeGateway.diagnostic(e));
        }
        String sessionId = session.path("id").asText();
        String url = session.path("url").asText();
        jdbi.useHandle(h -> h.attach(DuesCheckoutDao.class).setSession(prepared.id(), sessionId, url));
        return new Checkout(prepared.id(), sessionId, url, prepared.tier().amount(), prepared.tier().currency(), prepared.fee());
    }

    private Map<String, String> sessionParams(UUID communityId, UUID callerId, Prepared p) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("mode", "payment");
        form.put("expires_at", Long.toString(java.time.Instant.now().getEpochSecond() + SESSION_SECONDS));
        form.put("client_reference_id", p.id().toString());
        form.put("customer_email", p.member().email());
        form.put("line_items[0][quantity]", "1");
        form.put("line_items[0][price_data][currency]", p.tier().currency());
        form.put("line_items[0][price_data][unit_amount]", Long.toString(p.tier().amount()));
        form.put("line_items[0][price_data][product_data][name]", p.tier().name());
        form.put("payment_intent_data[application_fee_amount]", Long.toString(p.fee()));
        Map<String, String> metadata = Map.of(META_KIND, "dues", META_COMMUNITY, communityId.toString(),
                META_ACCOUNT, callerId.toString(), META_CHECKOUT, p.id().toString());
        metadata.forEach((k, v) -> {
            form.put("metadata[" + k + "]", v);
            form.put("payment_intent_data[metadata][" + k + "]", v);
        });
        form.put("success_url", publicUrl + "/communities/" + communityId + "/dues/paid?session_id={CHECKOUT_SESSION_ID}");
        form.put("cancel_url", publicUrl + "/communities/" + communityId + "/dues");
        return form;
    }
}
