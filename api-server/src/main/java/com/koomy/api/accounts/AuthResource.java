package com.koomy.api.accounts;

import com.koomy.errors.ApiException;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.accounts.Account;
import com.koomy.accounts.Accounts;
import com.koomy.accounts.SessionStore;
import com.koomy.email.EmailAddresses;
import com.koomy.api.http.ClientAddress;
import jakarta.servlet.http.HttpServletRequest;
import com.koomy.api.ratelimit.RateLimited;
import com.koomy.api.ratelimit.RateLimiter;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.time.Instant;
import java.util.UUID;
import com.koomy.api.docs.Refusal;

/** Accounts and sessions (P1): register, sign in and out, reset a password, verify an email. */
@Path("/api")
@Tag(name = "accounts")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

    private final Accounts accounts;
    private final SessionStore sessions;
    private final RateLimiter limiter;
    private final ClientAddress clientAddress;

    /** {@code limiter}: {@link RateLimiter#NONE} when rate limits are off by configuration. */
    public AuthResource(Accounts accounts, SessionStore sessions, RateLimiter limiter) {
        this(accounts, sessions, limiter, ClientAddress.none());
    }

    /** {@code clientAddress}: how the device's address is read (trusted proxies), as the rate limits read it. */
    public AuthResource(Accounts accounts, SessionStore sessions, RateLimiter limiter, ClientAddress clientAddress) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.limiter = limiter;
        this.clientAddress = clientAddress;
    }

    /** Per-address limits come from the filter; these count per email, whatever the address. */
    private void limitPerEmail(String policy, String email) {
        if (email != null) {
            // The same normal form as the account lookup, so no spelling of one address gets a budget of its own.
            limiter.check(policy, EmailAddresses.normalize(email));
        }
    }

    public record RegisterRequest(@NotBlank @Size(max = 254) String email,
                                  @NotNull @Size(min = Accounts.MIN_PASSWORD, max = Accounts.MAX_PASSWORD) String password,
                                  @NotBlank @Size(max = 200) String name,
                                  @Pattern(regexp = "fr|en", message = "must be fr or en") String locale) {
    }

    public record LoginRequest(@NotNull String email, @NotNull String password) {
    }

    public record SessionResponse(String token, Instant expiresAt, Instant absoluteExpiresAt) {
    }

    public record EmailRequest(@NotBlank @Size(max = 254) String email) {
    }

    public record ResetConfirmRequest(@NotBlank @Size(max = 200) String token,
                                      @NotNull @Size(min = Accounts.MIN_PASSWORD, max = Accounts.MAX_PASSWORD) String password) {
    }

    public record TokenRequest(@NotBlank @Size(max = 200) String token) {
    }

    public record Me(UUID id, String email, String name, String locale, boolean emailVerified, boolean platformOperator,
                     Instant createdAt) {
        public static Me of(Account a) {
            return new Me(a.id(), a.email(), a.name(), a.locale(), a.emailVerifiedAt() != null, a.platformOperator(), a.createdAt());
        }
    }

    @Access(Access.Who.ANYONE)
    @POST
    @Path("/auth/register")
    @Timed
    @RateLimited("register")
    @Refusal(status = 400, codes = {"invalid_email", "invalid_locale", "invalid_name", "invalid_password", "invalid_request"})
    @Refusal(status = 409, codes = {"email_taken"})
    @Operation(operationId = "registerAccount", summary = "Create an account", description = "201 with the account; a verification email is queued. "
            + "400 bad email, name, locale or password (8-128 characters); 409 email taken.")
    @ApiResponse(responseCode = "201", description = "The account", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Me.class)))
    public Response register(@RequestBody(required = true) @Valid RegisterRequest request) {
        RegisterRequest r = require(request);
        Account account = accounts.register(new Accounts.Registration(r.email(), r.password(), r.name(), r.locale()));
        return Response.status(201).entity(Me.of(account)).build();
    }

    @Access(Access.Who.ANYONE)
    @POST
    @Path("/auth/login")
    @Timed
    @RateLimited("login")
    @Refusal(status = 400, codes = {"invalid_password", "invalid_request"})
    @Refusal(status = 401, codes = {"invalid_credentials"})
    @Refusal(status = 403, codes = {"account_pending_deletion"})
    @Operation(operationId = "login", summary = "Sign in", description = "200 {token, expiresAt, absoluteExpiresAt}: send the token as "
            + "Authorization: Bearer. 401 invalid_credentials for a wrong email or password (same answer and time for both); 403 "
            + "account_pending_deletion while the account's deletion is pending (POST /api/me/restore signs in and cancels it).")
    public SessionResponse login(@RequestBody(required = true) @Valid LoginRequest request, @Context HttpServletRequest http) {
        LoginRequest r = require(request);
        limitPerEmail("loginEmail", r.email());
        // Shown to the account holder in GET /api/me/sessions, to tell their devices apart.
        SessionStore.Device device = http == null ? SessionStore.Device.UNKNOWN
                : new SessionStore.Device(http.getHeader("User-Agent"), clientAddress.of(http));
        SessionStore.Created created = accounts.login(r.email(), r.password(), device)
                .orElseThrow(() -> new ApiException(401, "invalid_credentials", "wrong email or password"));
        return new SessionResponse(created.token(), created.expiresAt(), created.absoluteExpiry());
    }

    @Access(Access.Who.ACCOUNT)
    @POST
    @Path("/auth/logout")
    @Timed
    @Refusal(status = 400, codes = {"invalid_request"})
    @Operation(operationId = "logout", summary = "Sign out this session", description = "204; 401 without a valid session.")
    public Response logout(@Context SecurityContext context) {
        sessions.revoke(CurrentAccount.require(context).session());
        return Response.noContent().build();
    }

    @Access(Access.Who.ANYONE)
    @POST
    @Path("/auth/password-reset")
    @Timed
    @RateLimited("passwordReset")
    @Refusal(status = 400, codes = {"invalid_email", "invalid_password", "invalid_request"})
    @Operation(operationId = "requestPasswordReset", summary = "Ask for a password reset link", description = "202 whether or not the email has an account "
            + "(a link is emailed when it does); 400 without an email.")
    public Response passwordReset(@RequestBody(required = true) @Valid EmailRequest request) {
        limitPerEmail("passwordResetEmail", require(request).email());
        accounts.requestPasswordReset(request.email());
        return Response.accepted().build();
    }

    @Access(Access.Who.ANYONE)
    @POST
    @Path("/auth/password-reset/confirm")
    @Timed
    @RateLimited("passwordReset")
    @Refusal(status = 400, codes = {"invalid_password", "invalid_request", "invalid_token"})
    @Operation(operationId = "confirmPasswordReset", summary = "Set a new password with a reset token", description = "204, and every session of the "
            + "account is signed out; 400 unknown, used or expired token, or a bad password.")
    public Response confirmReset(@RequestBody(required = true) @Valid ResetConfirmRequest request) {
        ResetConfirmRequest r = require(request);
        accounts.confirmPasswordReset(r.token(), r.password());
        return Response.noContent().build();
    }

    @Access(Access.Who.ANYONE)
    @POST
    @Path("/auth/verify-email")
    @Timed
    @Refusal(status = 400, codes = {"invalid_password", "invalid_request", "invalid_token"})
    @Operation(operationId = "verifyEmail", summary = "Confirm an email address with the token sent at registration",
            description = "204 (a welcome email is queued); 400 unknown, used or expired token.")
    public Response verifyEmail(@RequestBody(required = true) @Valid TokenRequest request) {
        accounts.verifyEmail(require(request).token());
        return Response.noContent().build();
    }

    @Access(Access.Who.ACCOUNT)
    @GET
    @Path("/me")
    @Timed
    @Refusal(status = 400, codes = {"invalid_password", "invalid_request", "invalid_token"})
    @Operation(operationId = "getMe", summary = "The signed-in account", description = "200; 401 without a valid session.")
    public Me me(@Context SecurityContext context) {
        AccountPrincipal principal = CurrentAccount.require(context);
        return accounts.find(principal.accountId()).map(Me::of)
                .orElseThrow(() -> new ApiException(401, "invalid_session", "this account no longer exists"));
    }

    private static <T> T require(T body) {
        if (body == null) {
            throw ApiException.invalidField("invalid_request", "body", "is required: a JSON object");
        }
        return body;
    }
}
