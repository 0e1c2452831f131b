package com.koomy.api.payments;

import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.billing.Plan;
import com.koomy.billing.Plans;
import com.koomy.billing.Subscriptions;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import com.koomy.api.docs.Refusal;

/** Plans (Stripe Billing, issue 6): the plan list, subscribing, the customer portal, the current plan. */
@Path("/api")
@Tag(name = "billing")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class BillingResource {

    private final Plans plans;
    private final Subscriptions subscriptions;

    public BillingResource(Plans plans, Subscriptions subscriptions) {
        this.plans = plans;
        this.subscriptions = subscriptions;
    }

    public record SubscribeRequest(@NotBlank String plan) {
    }

    @Access(Access.Who.ANYONE)
    @GET
    @Path("/plans")
    @Timed
    @Operation(operationId = "listPlans", summary = "The plans and their prices", description = "Public. 200 {items: [{id, name, priceId, amount, "
            + "currency, interval, maxMembers, maxEvents, aiDraftsPerMonth}]} (null limit: unlimited); cached about an "
            + "hour in Redis, prices synced from Stripe when it is configured.")
    @ApiResponse(responseCode = "200", description = "{items: the plans}", content = @Content(mediaType = "application/json", schema = @Schema(implementation = PlanList.class)))
    public Response plans() {
        CacheControl cache = new CacheControl();
        cache.setMaxAge(300);
        return Response.ok(new PlanList(plans.all())).cacheControl(cache).build();
    }

    /** The plans, cheapest first. */
    public record PlanList(@Schema(requiredMode = io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED) List<Plan> items) {
    }

    @Access(Access.Who.MANAGER)
    @GET
    @Path("/communities/{communityId}/subscription")
    @Timed
    @Operation(operationId = "getSubscription", summary = "The community's plan, its limits and usage", description = "Owners and admins: 200 {plan, "
            + "status, currentPeriodEnd, cancelAtPeriodEnd, latestInvoiceStatus, limits, usage}. 403; 404.")
    public Subscriptions.Current current(@PathParam("communityId") UUID communityId, @Context SecurityContext context) {
        return subscriptions.current(communityId, CurrentAccount.require(context).accountId());
    }

    @Access(Access.Who.OWNER)
    @POST
    @Path("/communities/{communityId}/subscription/checkout")
    @Timed
    @Refusal(status = 400, codes = {"invalid_plan"})
    @Refusal(status = 409, codes = {"already_subscribed"})
    @Refusal(status = 503, codes = {"stripe_busy"})
    @Refusal(status = 502, codes = {"stripe_error"})
    @Operation(operationId = "checkoutSubscription", summary = "Subscribe to a plan: Stripe Checkout in subscription mode", description = "Owners: 201 "
            + "{sessionId, url}. The plan changes when Stripe's subscription webhook arrives. 400 invalid_plan; 403 not "
            + "an owner; 404; 409 already_subscribed (use the portal); 503/502 Stripe.")
    @ApiResponse(responseCode = "201", description = "The Stripe Checkout link", content = @Content(mediaType = "application/json", schema = @Schema(implementation = com.koomy.billing.Subscriptions.CheckoutLink.class)))
    public Response checkout(@PathParam("communityId") UUID communityId, @Valid @NotNull SubscribeRequest r,
                             @Context SecurityContext context) {
        return Response.status(201)
                .entity(subscriptions.checkout(communityId, CurrentAccount.require(context).accountId(), r.plan())).build();
    }

    @Access(Access.Who.OWNER)
    @POST
    @Path("/communities/{communityId}/subscription/portal")
    @Timed
    @Refusal(status = 409, codes = {"already_subscribed"})
    @Refusal(status = 422, codes = {"no_billing_account"})
    @Refusal(status = 503, codes = {"stripe_busy"})
    @Refusal(status = 502, codes = {"stripe_error"})
    @Refusal(status = 400, codes = {"invalid_plan"})
    @Operation(operationId = "openBillingPortal", summary = "A Stripe customer portal link (change plan, card, invoices, cancel)", description = "Owners: "
            + "200 {url}. 403; 404; 422 no_billing_account (never subscribed); 503/502 Stripe.")
    public Map<String, String> portal(@PathParam("communityId") UUID communityId, @Context SecurityContext context) {
        return Map.of("url", subscriptions.portal(communityId, CurrentAccount.require(context).accountId()));
    }
}
