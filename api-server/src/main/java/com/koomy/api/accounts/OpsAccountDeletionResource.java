package com.koomy.api.accounts;

import com.codahale.metrics.annotation.Timed;
import com.koomy.accounts.AccountDeletion;
import com.koomy.accounts.AccountDeletions;
import com.koomy.api.auth.Access;
import com.koomy.errors.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.UUID;
import com.koomy.api.docs.Refusal;

/**
 * Operators: where any account's deletion stands, with its log (issue 21). A class of its own under
 * {@code /api/ops/accounts}: Jersey picks the resource class by its path first, and {@code /api/ops} belongs to
 * {@code OpsOutboxResource}, so a method under {@code /api} would never be reached.
 */
@Path("/api/ops/accounts")
@Tag(name = "ops")
@Produces(MediaType.APPLICATION_JSON)
public class OpsAccountDeletionResource {

    private final AccountDeletions deletions;

    public OpsAccountDeletionResource(AccountDeletions deletions) {
        this.deletions = deletions;
    }

    @Access(Access.Who.OPERATOR)
    @GET
    @Path("/{accountId}/deletion")
    @Timed
    @Refusal(status = 403, codes = {"account_pending_deletion"})
    @Refusal(status = 404, codes = {"account_not_found"})
    @Refusal(status = 409, codes = {"grace_period_over"})
    @Operation(operationId = "getAccountDeletion", summary = "Operators: where an account's deletion stands, with its log",
            description = "200 as GET /api/me/deletion, for any account (pending, erasing, erased); 404 account_not_found.")
    public AccountDeletion ofAccount(@PathParam("accountId") UUID accountId) {
        return deletions.find(accountId)
                .orElseThrow(() -> new ApiException(404, "account_not_found", "accountId: no such account"));
    }
}
