package com.koomy.billing;

import jakarta.annotation.Nullable;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;

import java.util.List;

/**
 * A SaaS plan: its Stripe price (null for the free plan, which needs no subscription), the price as
 * shown, and its limits (null: unlimited). {@code aiDraftsPerMonth} counts AI drafts asked for in the
 * current UTC month; {@code newslettersPerMonth} the newsletters sent or scheduled in it (cancelled
 * ones do not count), {@code newsletterAudience} the recipients one newsletter may have.
 */
public record Plan(
        @NotEmpty @Pattern(regexp = "[a-z0-9_]{1,40}") String id,
        @NotEmpty String name,
        @Nullable String priceId,
        long amount,
        String currency,
        @Nullable String interval,
        @Nullable Integer maxMembers,
        @Nullable Integer maxEvents,
        @Nullable Integer aiDraftsPerMonth,
        @Nullable Integer newslettersPerMonth,
        @Nullable Integer newsletterAudience) {

    public static final String FREE = "free";

    public static final List<Plan> DEFAULTS = List.of(
            new Plan(FREE, "Free", null, 0, "eur", null, 100, 10, 20, 4, 100),
            new Plan("association", "Association", "price_koomy_association", 1900, "eur", "month", 1000, 100, 100, 30, 1000),
            new Plan("federation", "Federation", "price_koomy_federation", 9900, "eur", "month", null, null, 300, null, null));

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isFree() {
        return priceId == null || priceId.isBlank();
    }
}
