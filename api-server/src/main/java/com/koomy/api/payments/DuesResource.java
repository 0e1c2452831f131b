package com.koomy.api.payments;

import io.swagger.v3.oas.annotations.extensions.Extension;
import io.swagger.v3.oas.annotations.extensions.ExtensionProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.payments.ConnectAccount;
import com.koomy.payments.ConnectAccounts;
import com.koomy.payments.DuesCheckouts;
import com.koomy.payments.DuesTier;
import com.koomy.payments.DuesTiers;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import com.koomy.api.docs.Refusal;

/** Dues (issue 6): Stripe Connect onboarding, the dues tiers, and Checkout for a member's dues. */
@Path("/api")
@Tag(name = "payments")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class DuesResource {

    private final ConnectAccounts connect;
    private final DuesTiers tiers;
    private final DuesCheckouts checkouts;

    public DuesResource(ConnectAccounts connect, DuesTiers tiers, DuesCheckouts checkouts) {
        this.connect = connect;
        this.tiers = tiers;
        this.checkouts = checkouts;
    }

    /** periodStart and periodEnd are required when period is custom: in words and in an extension (OpenAPI 3.0). */
    @Schema(description = "A dues tier. periodStart and periodEnd are required when period is custom (x-koomy-required-when: "
            + "property, the property=value that makes it required).",
            extensions = @Extension(name = "x-koomy-required-when", properties = {
                    @ExtensionProperty(name = "periodStart", value = "period=custom"),
                    @ExtensionProperty(name = "periodEnd", value = "period=custom")}))
    public record NewTierRequest(@NotBlank @Size(max = 100) String name,
                                 @NotNull @Min(50) @Max(100_000_000) Long amount,
                                 @NotNull String currency,
                                 @NotNull @Pattern(regexp = "yearly|rolling_year|custom", message = "must be yearly, rolling_year or custom") String period,
                                 @Schema(description = "Required when period is custom (400 invalid_period); ignored otherwise")
                                 LocalDate periodStart,
                                 @Schema(description = "Required when period is custom, after periodStart (400 invalid_period); "
                                         + "ignored otherwise") LocalDate periodEnd) {
    }

    public record CheckoutRequest(@NotNull UUID tierId) {
    }

    @Access(Access.Who.OWNER)
    @POST
    @Path("/communities/{communityId}/stripe/connect")
    @Timed
    @Refusal(status = 502, codes = {"stripe_error"})
    @Refusal(status = 503, codes = {"stripe_busy", "stripe_not_configured", "stripe_unavailable"})
    @Operation(operationId = "connectStripe", summary = "Connect the community's Stripe Express account (onboarding link)",
            description = "Owners. Creates the Express account the first time, then returns a fresh onboarding link: "
                    + "200 {accountId, url, expiresAt}. 401 signed out; 403 not an owner; 404 not a member; 503 "
                    + "stripe_not_configured or stripe_unavailable; 502 stripe_error.")
    public ConnectAccounts.Onboarding connect(@PathParam("communityId") UUID communityId, @Context SecurityContext context) {
        return connect.connect(communityId, CurrentAccount.require(context).accountId());
    }

    @Access(Access.Who.MANAGER)
    @GET
    @Path("/communities/{communityId}/stripe/connect")
    @Timed
    @Operation(operationId = "getStripeConnect", summary = "The community's Stripe account status",
            description = "Owners and admins: 200 {connected, accountId, chargesEnabled, payoutsEnabled, detailsSubmitted, "
                    + "requirementsDue, disabledReason, syncedAt} kept current from account.updated. 403/404 as usual.")
    public StripeConnect status(@PathParam("communityId") UUID communityId, @Context SecurityContext context) {
        return connect.status(communityId, CurrentAccount.require(context).accountId())
                .map(a -> new StripeConnect(true, a.accountId(), a.chargesEnabled(), a.payoutsEnabled(), a.detailsSubmitted(),
                        a.requirementsDue(), a.disabledReason(), a.syncedAt()))
                .orElse(new StripeConnect(false, null, null, null, null, null, null, null));
    }

    /** A community's Stripe account as Stripe last told us; only {@code connected} (false) before it has one. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record StripeConnect(@Schema(requiredMode = io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED) boolean connected, String accountId,
                                Boolean chargesEnabled, Boolean payoutsEnabled, Boolean detailsSubmitted,
                                List<String> requirementsDue, String disabledReason, java.time.Instant syncedAt) {
    }

    @Access(Access.Who.MEMBER)
    @GET
    @Path("/communities/{communityId}/dues/tiers")
    @Timed
    @Operation(operationId = "listDuesTiers", summary = "The community's dues tiers", description = "Active members: 200 {items: [tier]}. 404 not a member.")
    public Map<String, List<DuesTier>> tiers(@PathParam("communityId") UUID communityId, @Context SecurityContext context) {
        return Map.of("items", tiers.list(communityId, CurrentAccount.require(context).accountId()));
    }

    @Access(Access.Who.MANAGER)
    @POST
    @Path("/communities/{communityId}/dues/tiers")
    @Timed
    @Refusal(status = 400, codes = {"invalid_currency", "invalid_period"})
    @Refusal(status = 404, codes = {"tier_not_found"})
    @Refusal(status = 422, codes = {"payments_not_enabled"})
    @Refusal(status = 503, codes = {"stripe_busy", "stripe_not_configured"})
    @Operation(operationId = "createDuesTier", summary = "Add a dues tier", description = "Owners and admins: 201 with the tier. amount in the currency's "
            + "minor unit (2500 = 25.00); period yearly (calendar year), rolling_year, or custom with periodStart and a "
            + "later periodEnd. 400 invalid_currency, invalid_period, unknown_field or validation_failed (bad values); 403; 404.")
    @ApiResponse(responseCode = "201", description = "The tier", content = @Content(mediaType = "application/json", schema = @Schema(implementation = DuesTier.class)))
    public Response addTier(@PathParam("communityId") UUID communityId, @Valid @NotNull NewTierRequest r,
                            @Context SecurityContext context) {
        DuesTier tier = tiers.create(communityId, CurrentAccount.require(context).accountId(),
                new DuesTiers.NewTier(r.name(), r.amount(), r.currency(), r.period(), r.periodStart(), r.periodEnd()));
        return Response.status(201).entity(tier).build();
    }

    @Access(Access.Who.MANAGER)
    @DELETE
    @Path("/communities/{communityId}/dues/tiers/{tierId}")
    @Timed
    @Refusal(status = 404, codes = {"tier_not_found"})
    @Operation(operationId = "retireDuesTier", summary = "Retire a dues tier", description = "Owners and admins: 204; payments made with it keep it. "
            + "404 tier_not_found.")
    public Response retireTier(@PathParam("communityId") UUID communityId, @PathParam("tierId") UUID tierId,
                               @Context SecurityContext context) {
        tiers.retire(communityId, CurrentAccount.require(context).accountId(), tierId);
        return Response.noContent().build();
    }

    @Access(Access.Who.MEMBER)
    @POST
    @Path("/communities/{communityId}/dues/checkout")
    @Timed
    @Refusal(status = 400, codes = {"invalid_currency", "invalid_period"})
    @Refusal(status = 404, codes = {"tier_not_found"})
    @Refusal(status = 409, codes = {"community_archived"})
    @Refusal(status = 422, codes = {"payments_not_enabled"})
    @Refusal(status = 503, codes = {"stripe_busy", "stripe_not_configured", "stripe_unavailable"})
    @Refusal(status = 502, codes = {"stripe_error"})
    @Operation(operationId = "checkoutDues", summary = "Pay dues: a Stripe Checkout session on the community's account",
            description = "Active members: 201 {checkoutId, sessionId, url, amount, currency, applicationFee}; send the "
                    + "member to url. The payment is recorded when Stripe's webhook confirms it. 404 not a member or "
                    + "tier_not_found; 422 payments_not_enabled (onboarding unfinished); 503 stripe_not_configured or "
                    + "stripe_unavailable; 502 stripe_unavailable when Stripe refused. 409 community_archived: the community is archived (read-only).")
    @ApiResponse(responseCode = "201", description = "The Stripe Checkout session to send the member to", content = @Content(mediaType = "application/json", schema = @Schema(implementation = DuesCheckouts.Checkout.class)))
    public Response checkout(@PathParam("communityId") UUID communityId, @Valid @NotNull CheckoutRequest r,
                             @Context SecurityContext context) {
        return Response.status(201)
                .entity(checkouts.create(communityId, CurrentAccount.require(context).accountId(), r.tierId())).build();
    }
}
