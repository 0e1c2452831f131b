package com.koomy.api.accounts;

import com.codahale.metrics.annotation.Timed;
import com.koomy.accounts.Account;
import com.koomy.accounts.AccountDeletion;
import com.koomy.accounts.AccountDeletions;
import com.koomy.accounts.Accounts;
import com.koomy.accounts.SessionStore;
import com.koomy.api.auth.Access;
import com.koomy.api.http.ClientAddress;
import com.koomy.api.ratelimit.RateLimited;
import com.koomy.api.ratelimit.RateLimiter;
import com.koomy.email.EmailAddresses;
import com.koomy.errors.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.time.Instant;
import com.koomy.api.docs.Refusal;

/**
 * "Delete my account" (issue 21, GDPR art. 17): the request, the restore during the grace period, and where a
 * deletion stands for its holder (docs/api.md, "Deleting an account"); operators read it through
 * {@link OpsAccountDeletionResource}.
 */
@Path("/api")
@Tag(name = "accounts")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class AccountDeletionResource {

    private final AccountDeletions deletions;
    private final Accounts accounts;
    private final RateLimiter limiter;
    private final ClientAddress clientAddress;

    public AccountDeletionResource(AccountDeletions deletions, Accounts accounts, RateLimiter limiter,
                                   ClientAddress clientAddress) {
        this.deletions = deletions;
        this.accounts = accounts;
        this.limiter = limiter;
        this.clientAddress = clientAddress;
    }

    public record DeleteMeRequest(@NotNull String currentPassword) {
    }

    public record RestoreRequest(@NotNull String email, @NotNull String password) {
    }

    /** The restored account's new session, and its deletion's log (status {@code active}). */
    public record RestoreResponse(String token, Instant expiresAt, Instant absoluteExpiresAt, AccountDeletion deletion) {
    }

    @Access(Access.Who.ACCOUNT)
    @DELETE
    @Path("/me")
    @Timed
    @RateLimited("login")
    @Refusal(status = 400, codes = {"invalid_password", "invalid_request", "wrong_password"})
    @Refusal(status = 403, codes = {"account_pending_deletion"})
    @Refusal(status = 409, codes = {"grace_period_over", "last_owner"})
    @Operation(operationId = "deleteMe", summary = "Delete my account (after a grace period, cancellable)",
            description = "202 with the deletion (status pending, scheduledErasureAt): memberships end at once (seats "
                    + "released, the waitlist promoted), every session is signed out and the account holder is emailed; "
                    + "personal data is erased after the grace period (30 days by default) unless POST /api/me/restore "
                    + "cancels it. 400 wrong_password (currentPassword), validation_failed (currentPassword missing), "
                    + "unknown_field; 409 last_owner with details.communityIds (hand those communities over first); 429 "
                    + "after as many attempts as sign-in allows. Nothing changes on refusal.")
    @ApiResponse(responseCode = "202", description = "The deletion",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = AccountDeletion.class)))
    public Response delete(@Context SecurityContext context, @Valid DeleteMeRequest request) {
        AccountPrincipal me = CurrentAccount.require(context);
        DeleteMeRequest r = require(request);
        Account account = accounts.find(me.accountId())
                .orElseThrow(() -> new ApiException(401, "invalid_session", "this account no longer exists"));
        limiter.check("loginEmail", account.email()); // guessing the password costs what it costs at sign-in
        return Response.accepted(deletions.request(me.accountId(), r.currentPassword())).build();
    }

    @Access(Access.Who.ANYONE)
    @POST
    @Path("/me/restore")
    @Timed
    @RateLimited("login")
    @Refusal(status = 400, codes = {"invalid_request"})
    @Refusal(status = 401, codes = {"invalid_credentials"})
    @Refusal(status = 403, codes = {"account_pending_deletion"})
    @Refusal(status = 409, codes = {"grace_period_over", "not_pending_deletion"})
    @Operation(operationId = "restoreMe", summary = "Cancel my account's deletion by signing in again",
            description = "During the grace period, sign-in answers 403 account_pending_deletion; these credentials "
                    + "cancel the deletion instead and answer 200 with a new session {token, expiresAt, absoluteExpiresAt} "
                    + "and the deletion's log. Memberships ended by the request do not come back. 401 invalid_credentials "
                    + "(same answer and time for a wrong email or password); 409 not_pending_deletion; 409 "
                    + "grace_period_over once erasure has begun; 400 validation_failed, unknown_field; 429 as sign-in.")
    public RestoreResponse restore(@Valid RestoreRequest request, @Context HttpServletRequest http) {
        RestoreRequest r = require(request);
        limiter.check("loginEmail", EmailAddresses.normalize(r.email()));
        SessionStore.Device device = http == null ? SessionStore.Device.UNKNOWN
                : new SessionStore.Device(http.getHeader("User-Agent"), clientAddress.of(http));
        AccountDeletions.Restored restored = deletions.restore(r.email(), r.password(), device);
        return new RestoreResponse(restored.session().token(), restored.session().expiresAt(),
                restored.session().absoluteExpiry(), restored.deletion());
    }

    @Access(Access.Who.ACCOUNT)
    @GET
    @Path("/me/deletion")
    @Timed
    @Refusal(status = 400, codes = {"invalid_password", "invalid_request"})
    @Refusal(status = 403, codes = {"account_pending_deletion"})
    @Refusal(status = 409, codes = {"grace_period_over"})
    @Operation(operationId = "getMyDeletion", summary = "Where my account's deletion stands, with its log",
            description = "200 {status (active, pending, erasing, erased), requestedAt, scheduledErasureAt, erasedAt, "
                    + "steps: [{step, actor, details, at}]}: every request, cancellation and erasure step, oldest first. "
                    + "A signed-in account is active (a pending one cannot sign in), and sees its past requests here.")
    public AccountDeletion mine(@Context SecurityContext context) {
        return deletions.status(CurrentAccount.require(context).accountId());
    }

    private static <T> T require(T body) {
        if (body == null) {
            throw ApiException.invalidField("invalid_request", "body", "is required: a JSON object");
        }
        return body;
    }
}
