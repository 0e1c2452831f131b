package com.koomy.api.payments;

import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.api.http.ListParams;
import com.koomy.db.Page;
import com.koomy.payments.Payment;
import com.koomy.payments.PaymentHistory;
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
    @Operation(operationId = "listCommunityPayments", summary = "The community's payments, newest first", description = "Owners and admins: 200 {items, "
            + "nextCursor}; limit 1-100 (default 20). 400 bad limit or cursor; 401; 403 other members; 404 not a member.")
    public Page<Payment> community(@PathParam("communityId") UUID communityId, @QueryParam("limit") String limit,
                                   @QueryParam("cursor") String cursor, @Context SecurityContext context) {
        return history.page(communityId, CurrentAccount.require(context).accountId(), false,
                ListParams.limit(limit), ListParams.cursor(cursor));
    }

    @Access(Access.Who.MEMBER)
    @GET
    @Path("/communities/{communityId}/payments/me")
    @Produces(MediaType.APPLICATION_JSON)
    @Timed
    @Operation(operationId = "listMyPayments", summary = "My payments to this community, newest first", description = "Active members: 200 {items, "
            + "nextCursor}. 400 bad limit or cursor; 401; 404 not a member.")
    public Page<Payment> mine(@PathParam("communityId") UUID communityId, @QueryParam("limit") String limit,
                              @QueryParam("cursor") String cursor, @Context SecurityContext context) {
        return history.page(communityId, CurrentAccount.require(context).accountId(), true,
                ListParams.limit(limit), ListParams.cursor(cursor));
    }

    @Access(Access.Who.MANAGER)
    @GET
    @Path("/communities/{communityId}/payments/export.csv")
    @Produces({Csv.MEDIA_TYPE, "application/json"})
    @Timed
    @Operation(operationId = "exportCommunityPayments", summary = "The community's payments as CSV", description = "Owners and admins: 200 text/csv, newest "
            + "first, amounts in major units. 403 other members; 404 not a member.")
    public Response communityCsv(@PathParam("communityId") UUID communityId, @Context SecurityContext context) {
        return csv(communityId, CurrentAccount.require(context).accountId(), false);
    }

    @Access(Access.Who.MEMBER)
    @GET
    @Path("/communities/{communityId}/payments/me/export.csv")
    @Produces({Csv.MEDIA_TYPE, "application/json"})
    @Timed
    @Operation(operationId = "exportMyPayments", summary = "My payments to this community as CSV", description = "Active members: 200 text/csv. 404 not a member.")
    public Response mineCsv(@PathParam("communityId") UUID communityId, @Context SecurityContext context) {
        return csv(communityId, CurrentAccount.require(context).accountId(), true);
    }

    private Response csv(UUID communityId, UUID caller, boolean mine) {
        // Refusals must be answered before the 200 and its first bytes go out.
        history.requireAllowed(communityId, caller, mine);
        StreamingOutput body = out -> history.writeCsv(communityId, caller, mine, out);
        return Response.ok(body, Csv.MEDIA_TYPE)
                .header("Content-Disposition", "attachment; filename=\"payments-" + communityId + (mine ? "-me" : "") + ".csv\"")
                .header("Cache-Control", "no-store")
                .build();
    }
}
