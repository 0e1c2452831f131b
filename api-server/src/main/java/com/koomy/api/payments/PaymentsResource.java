package com.koomy.api.payments;

import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.api.http.ListParams;
import com.koomy.db.Page;
import com.koomy.errors.ApiException;
import com.koomy.payments.Payment;
import com.koomy.payments.PaymentHistory;
import com.koomy.payments.PaymentQuery;
import com.koomy.payments.PaymentSummary;
import com.koomy.csv.Csv;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.StreamingOutput;

import java.util.UUID;
import com.koomy.api.docs.Refusal;

/** Transaction history: the community's (owners and admins) and a member's own, as pages or CSV. */
@Path("/api")
@Tag(name = "payments")
public class PaymentsResource {

    private final PaymentHistory history;

    public PaymentsResource(PaymentHistory history) {
        this.history = history;
    }

    @Access(Access.Who.MANAGER)
    @GET
    @Path("/communities/{communityId}/payments")
    @Produces(MediaType.APPLICATION_JSON)
    @Timed
    @Refusal(status = 400, codes = {"invalid_accountId", "invalid_cursor", "invalid_from", "invalid_limit", "invalid_method", "invalid_period", "invalid_status", "invalid_to"})
    @Operation(operationId = "listCommunityPayments", summary = "The community's payments, newest first", description = "Owners and admins: 200 {items, "
            + "nextCursor}; limit 1-100 (default 20). Filters: accountId (a member), from and to (days of payment, "
            + "included, UTC), method (card, cash, cheque, transfer), status (failed, succeeded, partially_refunded, "
            + "refunded, void). 400 bad limit or cursor, invalid_accountId, invalid_from, invalid_to, invalid_period, "
            + "invalid_method, invalid_status; 401; 403 other members; 404 not a member.")
    public Page<Payment> community(@PathParam("communityId") UUID communityId, @QueryParam("limit") String limit,
                                   @QueryParam("cursor") String cursor, @QueryParam("accountId") String accountId,
                                   @QueryParam("from") String from, @QueryParam("to") String to,
                                   @QueryParam("method") String method, @QueryParam("status") String status,
                                   @Context SecurityContext context) {
        return history.page(communityId, CurrentAccount.require(context).accountId(), false,
                PaymentFilters.query(accountId, from, to, method, status), ListParams.limit(limit), ListParams.cursor(cursor));
    }

    @Access(Access.Who.MANAGER)
    @GET
    @Path("/communities/{communityId}/payments/summary")
    @Produces(MediaType.APPLICATION_JSON)
    @Timed
    @Refusal(status = 400, codes = {"invalid_period", "invalid_status", "invalid_year"})
    @Operation(operationId = "summarizeCommunityPayments", summary = "A year's takings per dues tier and method",
            description = "Owners and admins: 200 {year, items: [{tierId, tierName, method, currency, payments, amount, "
                    + "refunded, net}]} for the calendar year (UTC; default the current one), amounts in minor units; "
                    + "payments that succeeded, refunds deducted in net, voided and failed ones left out. 400 invalid_year; "
                    + "403 other members; 404 not a member.")
    public PaymentSummary summary(@PathParam("communityId") UUID communityId, @QueryParam("year") String year,
                                  @Context SecurityContext context) {
        int y;
        try {
            y = year == null || year.isBlank() ? java.time.Year.now(java.time.ZoneOffset.UTC).getValue() : Integer.parseInt(year);
        } catch (NumberFormatException e) {
            throw com.koomy.errors.ApiException.invalidField("invalid_year", "year", "must be a calendar year such as 2026");
        }
        return history.summary(communityId, CurrentAccount.require(context).accountId(), y);
    }

    @Access(Access.Who.MEMBER)
    @GET
    @Path("/communities/{communityId}/payments/me")
    @Produces(MediaType.APPLICATION_JSON)
    @Timed
    @Refusal(status = 400, codes = {"invalid_cursor", "invalid_limit"})
    @Operation(operationId = "listMyPayments", summary = "My payments to this community, newest first", description = "Active members: 200 {items, "
            + "nextCursor}. 400 bad limit or cursor; 401; 404 not a member.")
    public Page<Payment> mine(@PathParam("communityId") UUID communityId, @QueryParam("limit") String limit,
                              @QueryParam("cursor") String cursor, @Context SecurityContext context) {
        return history.page(communityId, CurrentAccount.require(context).accountId(), true, PaymentQuery.ALL,
                ListParams.limit(limit), ListParams.cursor(cursor));
    }

    @Access(Access.Who.MANAGER)
    @GET
    @Path("/communities/{communityId}/payments/export.csv")
    @Produces({Csv.MEDIA_TYPE, "application/json"})
    @Timed
    @Refusal(status = 400, codes = {"invalid_accountId", "invalid_from", "invalid_to"})
    @Operation(operationId = "exportCommunityPayments", summary = "The community's payments as CSV", description = "Owners and admins: 200 text/csv, newest "
            + "first, amounts in major units, with the list's filters (accountId, from, to, method, status; written a "
            + "page at a time). 400 as the list; 403 other members; 404 not a member.")
    public Response communityCsv(@PathParam("communityId") UUID communityId, @QueryParam("accountId") String accountId,
                                 @QueryParam("from") String from, @QueryParam("to") String to,
                                 @QueryParam("method") String method, @QueryParam("status") String status,
                                 @Context SecurityContext context) {
        return csv(communityId, CurrentAccount.require(context).accountId(), false,
                PaymentFilters.query(accountId, from, to, method, status));
    }

    @Access(Access.Who.MEMBER)
    @GET
    @Path("/communities/{communityId}/payments/me/export.csv")
    @Produces({Csv.MEDIA_TYPE, "application/json"})
    @Timed
    @Operation(operationId = "exportMyPayments", summary = "My payments to this community as CSV", description = "Active members: 200 text/csv. 404 not a member.")
    public Response mineCsv(@PathParam("communityId") UUID communityId, @Context SecurityContext context) {
        return csv(communityId, CurrentAccount.require(context).accountId(), true, PaymentQuery.ALL);
    }

    private Response csv(UUID communityId, UUID caller, boolean mine, PaymentQuery query) {
        // Refusals must be answered before the 200 and its first bytes go out.
        history.requireAllowed(communityId, caller, mine);
        StreamingOutput body = out -> history.writeCsv(communityId, caller, mine, query, out);
        return Response.ok(body, Csv.MEDIA_TYPE)
                .header("Content-Disposition", "attachment; filename=\"payments-" + communityId + (mine ? "-me" : "") + ".csv\"")
                .header("Cache-Control", "no-store")
                .build();
    }
}
