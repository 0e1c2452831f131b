package com.koomy.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.cache.JsonCache;
import com.koomy.errors.ApiException;
import com.koomy.stripe.StripeGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plans: defined in configuration (id, Stripe price, limits), their displayed price synced from the
 * Stripe price when Stripe is configured (Stripe is the truth for what a customer pays). The list is
 * served from a Redis cache of about an hour ({@code cache.plansTtl}); without Redis, from the loader.
 */
public class Plans {

    public static final int CACHE_SCHEMA = 1;
    private static final Logger LOG = LoggerFactory.getLogger(Plans.class);

    private final List<Plan> configured;
    private final StripeGateway stripe;
    private final JsonCache<PlanList> cache;

    public record PlanList(List<Plan> items) {
    }

    /** {@code cache} may be null (the worker): then every call reads the configuration. */
    public Plans(List<Plan> configured, StripeGateway stripe, JsonCache<PlanList> cache) {
        this.configured = List.copyOf(configured);
        this.stripe = stripe;
        this.cache = cache;
    }

    public List<Plan> all() {
        return cache == null ? configured : cache.get("all", this::load).items();
    }

    public Optional<Plan> byId(String id) {
        return configured.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    public Optional<Plan> byPrice(String priceId) {
        return configured.stream().filter(p -> !p.isFree() && p.priceId().equals(priceId)).findFirst();
    }

    public Plan free() {
        return byId(Plan.FREE).orElseGet(() -> configured.get(0));
    }

    private PlanList load() {
        List<Plan> plans = new ArrayList<>();
        for (Plan plan : configured) {
            plans.add(plan.isFree() || stripe == null || !stripe.isConfigured() ? plan : synced(plan));
        }
        return new PlanList(plans);
    }

    private Plan synced(Plan plan) {
        try {
            Optional<JsonNode> price = stripe.find("/v1/prices/" + plan.priceId(), Map.of(), null);
            if (price.isEmpty()) {
                LOG.warn("Plan {}: Stripe has no price {}; showing the configured amount", plan.id(), plan.priceId());
                return plan;
            }
            JsonNode p = price.get();
            return new Plan(plan.id(), plan.name(), plan.priceId(), p.path("unit_amount").asLong(plan.amount()),
                    p.path("currency").asText(plan.currency()), p.path("recurring").path("interval").asText(plan.interval()),
                    plan.maxMembers(), plan.maxEvents(), plan.aiDraftsPerMonth(), plan.newslettersPerMonth(),
                    plan.newsletterAudience());
        } catch (ApiException e) {
            LOG.warn("Plan {}: could not read price {} from Stripe ({}); showing the configured amount",
                    plan.id(), plan.priceId(), StripeGateway.diagnostic(e));
            return plan;
        }
    }
}
