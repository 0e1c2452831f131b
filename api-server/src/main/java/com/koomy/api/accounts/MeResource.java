package com.koomy.api.accounts;

import com.codahale.metrics.annotation.Timed;
import com.koomy.accounts.Account;
import com.koomy.accounts.Accounts;
import com.koomy.accounts.MyAccount;
import com.koomy.accounts.SessionStore;
import com.koomy.api.auth.Access;
import com.koomy.api.ratelimit.RateLimited;
import com.koomy.api.ratelimit.RateLimiter;
import com.koomy.errors.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.time.Instant;
import java.util.List;
import com.koomy.api.docs.Refusal;

/**
 * A member's own account (issue 21): name and locale, password, email address, sessions (devices).
 * Every route acts on the signed-in account only; there is no account id in any path.
 */
@Path("/api")
@Tag(name = "accounts")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    private final Accounts accounts;
    private final MyAccount myAccount;
    private final SessionStore sessions;
    private final RateLimiter limiter;

    /** {@code limiter} null: rate limits disabled by configuration. */
    public MeResource(Accounts accounts, MyAccount myAccount, SessionStore sessions, RateLimiter limiter) {
        this.accounts = accounts;
        this.myAccount = myAccount;
        this.sessions = sessions;
        this.limiter = limiter;
    }

    /** The constraints MyAccount enforces (invalid_name, invalid_locale), said in the document. */
    public record UpdateMeRequest(@Schema(minLength = 1, maxLength = 200) String name,
                                  @Schema(allowableValues = {"fr", "en"}) String locale) {
    }

    /**
     * A missing field is refused (400 validation_failed naming it) before the current password is checked, as on
     * every route; the lengths stay MyAccount's (invalid_password).
     */
    public record ChangePasswordRequest(@NotNull @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String currentPassword,
                                        @NotNull @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minLength = Accounts.MIN_PASSWORD,
                                                maxLength = Accounts.MAX_PASSWORD) String newPassword) {
    }

    /** A missing field is refused (400 validation_failed naming it) before the current password is checked. */
    public record ChangeEmailRequest(@NotNull @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String currentPassword,
                                     @NotNull @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String newEmail) {
    }

    public record ConfirmEmailChangeRequest(@NotBlank @Size(max = 200) String token) {
    }

    /** One signed-in device; {@code id} names it for DELETE, {@code current} is the session making this request. */
    public record SessionView(String id, Instant createdAt, Instant lastSeenAt, Instant absoluteExpiresAt, String userAgent,
                              String ipAddress, boolean current) {
    }

    public record SessionList(List<SessionView> items) {
    }

    @Access(Access.Who.ACCOUNT)
    @PATCH
    @Path("/me")
    @Timed
    @Refusal(status = 400, codes = {"invalid_locale", "invalid_name", "invalid_request"})
    @Operation(operationId = "updateMe", summary = "Change my name or locale",
            description = "200 with the account; absent fields stay as they are. 400 invalid_name (1-200 characters), "
                    + "invalid_locale (fr or en), unknown_field (the email has its own route); nothing is changed on refusal.")
    @ApiResponse(responseCode = "200", description = "The account",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = AuthResource.Me.class)))
    public AuthResource.Me update(@Context SecurityContext context, @RequestBody(required = true) UpdateMeRequest request) {
        AccountPrincipal me = CurrentAccount.require(context);
        UpdateMeRequest r = require(request);
        return AuthResource.Me.of(myAccount.updateProfile(me.accountId(), new MyAccount.ProfileChange(r.name(), r.locale())));
    }

    @Access(Access.Who.ACCOUNT)
    @POST
    @Path("/me/password")
    @Timed
    @RateLimited("login")
    @Refusal(status = 400, codes = {"invalid_password", "invalid_request", "same_password", "wrong_password"})
    @Operation(operationId = "changeMyPassword", summary = "Change my password with the current one",
            description = "204, and every other session of the account is signed out (this one stays). 400 wrong_password "
                    + "(currentPassword), invalid_password (newPassword: 8-128 characters), same_password; 429 after as many "
                    + "attempts as sign-in allows for this account's email.")
    public Response changePassword(@Context SecurityContext context, @RequestBody(required = true) @Valid ChangePasswordRequest request) {
        AccountPrincipal me = CurrentAccount.require(context);
        ChangePasswordRequest r = require(request);
        limitLikeSignIn(me);
        myAccount.changePassword(me.accountId(), me.session().tokenHash(), r.currentPassword(), r.newPassword());
        return Response.noContent().build();
    }

    @Access(Access.Who.ACCOUNT)
    @POST
    @Path("/me/email")
    @Timed
    @RateLimited("emailChange")
    @Refusal(status = 400, codes = {"invalid_email", "invalid_password", "invalid_request", "same_email", "wrong_password"})
    @Refusal(status = 409, codes = {"email_taken"})
    @Operation(operationId = "requestMyEmailChange", summary = "Ask to change my email address",
            description = "202: a confirmation link goes to newEmail and the current address is told; the account keeps "
                    + "its address until the link is used (POST /api/me/email/confirm). 400 wrong_password (currentPassword), "
                    + "invalid_email (newEmail), same_email; 409 email_taken; 429 too many requests.")
    public Response requestEmailChange(@Context SecurityContext context, @RequestBody(required = true) @Valid ChangeEmailRequest request) {
        AccountPrincipal me = CurrentAccount.require(context);
        ChangeEmailRequest r = require(request);
        limitLikeSignIn(me);
        myAccount.requestEmailChange(me.accountId(), r.currentPassword(), r.newEmail());
        return Response.accepted().build();
    }

    @Access(Access.Who.ANYONE)
    @POST
    @Path("/me/email/confirm")
    @Timed
    @RateLimited("passwordReset")
    @Refusal(status = 400, codes = {"invalid_request", "invalid_token"})
    @Refusal(status = 409, codes = {"email_taken"})
    @Operation(operationId = "confirmMyEmailChange", summary = "Confirm a new email address with the token sent to it",
            description = "204: the new address is the account's login from now on (and verified). 400 invalid_token "
                    + "(unknown, used or expired), validation_failed naming token (absent, blank, not text or too long); 409 email_taken (another account took the address meanwhile).")
    public Response confirmEmailChange(@RequestBody(required = true) @Valid ConfirmEmailChangeRequest request) {
        myAccount.confirmEmailChange(require(request).token());
        return Response.noContent().build();
    }

    @Access(Access.Who.ACCOUNT)
    @GET
    @Path("/me/sessions")
    @Timed
    @Refusal(status = 400, codes = {"invalid_request"})
    @Operation(operationId = "listMySessions", summary = "My signed-in sessions (devices)",
            description = "200, oldest first: when each was created and last used, the user agent and client address it "
                    + "signed in from (when known), and which one is this request's.")
    public SessionList list(@Context SecurityContext context) {
        AccountPrincipal me = CurrentAccount.require(context);
        return new SessionList(sessions.list(me.accountId()).stream()
                .map(s -> new SessionView(s.id(), s.createdAt(), s.lastSeenAt(), s.absoluteExpiry(), s.userAgent(),
                        s.ipAddress(), s.id().equals(me.session().tokenHash())))
                .toList());
    }

    @Access(Access.Who.ACCOUNT)
    @DELETE
    @Path("/me/sessions/{sessionId}")
    @Timed
    @Refusal(status = 400, codes = {"invalid_password", "invalid_request"})
    @Refusal(status = 404, codes = {"session_not_found"})
    @Operation(operationId = "revokeMySession", summary = "Sign one of my sessions out",
            description = "204 (this session too, if it is the one named); 404 session_not_found when the id is not a live "
                    + "session of this account, whoever else it may belong to.")
    public Response revoke(@Context SecurityContext context, @PathParam("sessionId") String sessionId) {
        AccountPrincipal me = CurrentAccount.require(context);
        if (!sessions.revoke(me.accountId(), sessionId)) {
            throw new ApiException(404, "session_not_found", "sessionId: no such session of this account");
        }
        return Response.noContent().build();
    }

    /** Guessing the current password costs what guessing it at sign-in costs: the same per-email budget. */
    private void limitLikeSignIn(AccountPrincipal me) {
        Account account = accounts.find(me.accountId())
                .orElseThrow(() -> new ApiException(401, "invalid_session", "this account no longer exists"));
        limiter.check("loginEmail", account.email());
    }

    private static <T> T require(T body) {
        if (body == null) {
            throw ApiException.invalidField("invalid_request", "body", "is required: a JSON object");
        }
        return body;
    }
}
