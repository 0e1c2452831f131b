package com.koomy.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.communities.Communities;
import com.koomy.errors.ApiException;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;
import com.koomy.memberships.Memberships;
import com.koomy.stripe.StripeGateway;
import com.koomy.stripe.events.StripeEvent;
import com.koomy.stripe.events.StripeEventRefusedException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Stripe Connect Express onboarding: the community's account (created once: the idempotency key is
 * the community id, so two owners clicking at once get the same account), its onboarding links, and
 * its status as Stripe reports it in {@code account.updated}.
 */
public class ConnectAccounts {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;
    private final StripeGateway stripe;
    private final String country;
    private final String publicUrl;

    public ConnectAccounts(Jdbi jdbi, StripeGateway stripe, String country, String publicUrl) {
        this.jdbi = jdbi;
        this.stripe = stripe;
        this.country = country;
        this.publicUrl = publicUrl;
    }

    public record Onboarding(String accountId, String url, Instant expiresAt) {
    }

    /** Owners only. Creates the Express account if the community has none, then a fresh onboarding link. */
    public Onboarding connect(UUID communityId, UUID callerId) {
        requireOwner(communityId, callerId);
        String accountId = jdbi.withExtension(ConnectAccountDao.class, dao -> dao.find(communityId))
                .map(ConnectAccount::accountId)
                .orElseGet(() -> createAccount(communityId, callerId));
        Map<String, String> link = new LinkedHashMap<>();
        link.put("account", accountId);
        link.put("type", "account_onboarding");
        link.put("refresh_url", publicUrl + "/communities/" + communityId + "/stripe/refresh");
        link.put("return_url", publicUrl + "/communities/" + communityId + "/stripe/return");
        // A link is single-use and expires within minutes: each request asks for a new one.
        JsonNode created = stripe.postFor(communityId, callerId, "/v1/account_links", link, "account-link:" + communityId + ":" + UUID.randomUUID(), null);
        return new Onboarding(accountId, created.path("url").asText(),
                created.hasNonNull("expires_at") ? Instant.ofEpochSecond(created.get("expires_at").asLong()) : null);
    }

    private String createAccount(UUID communityId, UUID callerId) {
        Map<String, String> account = new LinkedHashMap<>();
        account.put("type", "express");
        account.put("country", country);
        account.put("capabilities[card_payments][requested]", "true");
        account.put("capabilities[transfers][requested]", "true");
        account.put("metadata[koomy_community_id]", communityId.toString());
        JsonNode created = stripe.postFor(communityId, callerId, "/v1/accounts", account, "connect-account:" + communityId, null);
        String accountId = created.path("id").asText();
        jdbi.useTransaction(handle -> {
            ConnectAccountDao dao = handle.attach(ConnectAccountDao.class);
            dao.insert(communityId, accountId);
            sync(dao, created);
        });
        // A concurrent request inserted first: both got the same account from Stripe (same idempotency key).
        return jdbi.withExtension(ConnectAccountDao.class, dao -> dao.find(communityId)).orElseThrow().accountId();
    }

    /** Owners and admins see the status; others 403, non-members 404. */
    public Optional<ConnectAccount> status(UUID communityId, UUID callerId) {
        return jdbi.withHandle(handle -> {
            Memberships.requireManager(handle.attach(MembershipDao.class).find(communityId, callerId));
            return handle.attach(ConnectAccountDao.class).find(communityId);
        });
    }

    /**
     * {@code account.updated}: the account is re-fetched from Stripe while its row is locked, so the row
     * holds Stripe's current state whatever order the events came in (an account has no version field
     * to compare). An account we never created is refused.
     */
    public void applyAccountUpdated(Handle handle, StripeEvent event) throws Exception {
        JsonNode object = JSON.readTree(event.payload()).path("data").path("object");
        String accountId = object.path("id").asText();
        if (event.account() != null && !event.account().equals(accountId)) {
            throw new StripeEventRefusedException("account.updated from " + event.account() + " is about " + accountId);
        }
        ConnectAccountDao dao = handle.attach(ConnectAccountDao.class);
        if (dao.lockByAccount(accountId).isEmpty()) {
            throw new StripeEventRefusedException("no community has the connected account " + accountId);
        }
        JsonNode current = stripe.get("/v1/accounts/" + accountId, Map.of(), null);
        sync(dao, current);
    }

    private static void sync(ConnectAccountDao dao, JsonNode account) {
        List<String> due = new ArrayList<>();
        account.path("requirements").path("currently_due").forEach(n -> due.add(n.asText()));
        String requirements;
        try {
            requirements = JSON.writeValueAsString(due);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        dao.sync(account.path("id").asText(), account.path("charges_enabled").asBoolean(false),
                account.path("payouts_enabled").asBoolean(false), account.path("details_submitted").asBoolean(false),
                requirements, account.path("requirements").path("disabled_reason").asText(null));
    }

    private void requireOwner(UUID communityId, UUID callerId) {
        Membership caller = jdbi.withExtension(MembershipDao.class, dao -> dao.find(communityId, callerId))
                .filter(Membership::isActive).orElseThrow(Communities::notFound);
        if (!caller.isOwner()) {
            throw new ApiException(403, "forbidden", "only the community's owners may connect a Stripe account");
        }
    }
}
