package com.koomy.api.accounts;

import com.koomy.accounts.Session;
import com.koomy.accounts.SessionStore;
import com.koomy.api.http.ApiError;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.Principal;
import java.util.Optional;

/**
 * Resolves {@code Authorization: Bearer <session token>} into the request's {@link AccountPrincipal}.
 * A token that is unknown or expired is a 401 (never an anonymous pass); if Redis cannot be asked,
 * 503. On {@code /api/ops/*} an unknown bearer is left to {@code OperatorAuthFilter}, since it may be
 * the operator token.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public class SessionAuthFilter implements ContainerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(SessionAuthFilter.class);

    private final SessionStore sessions;

    public SessionAuthFilter(SessionStore sessions) {
        this.sessions = sessions;
    }

    public static Optional<String> bearer(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = header.substring(7).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    @Override
    public void filter(ContainerRequestContext request) {
        Optional<String> token = bearer(request);
        if (token.isEmpty()) {
            return;
        }
        boolean ops = request.getUriInfo().getPath().startsWith("api/ops");
        Optional<Session> session;
        try {
            session = token.get().length() > 100 ? Optional.empty() : sessions.resolve(token.get());
        } catch (RuntimeException e) {
            // One line per refused request, without a stack: an outage must not flood the log.
            LOG.error("Cannot check a session, answering 503: the session store (Redis) failed: {}", e.toString());
            abort(request, 503, "sessions_unavailable", "sessions cannot be checked right now; retry later");
            return;
        }
        if (session.isEmpty()) {
            if (!ops) {
                abort(request, 401, "invalid_session", "the session token is unknown or expired; sign in again");
            }
            return;
        }
        AccountPrincipal principal = new AccountPrincipal(session.get());
        SecurityContext original = request.getSecurityContext();
        request.setSecurityContext(new SecurityContext() {
            @Override public Principal getUserPrincipal() { return principal; }
            @Override public boolean isUserInRole(String role) { return false; }
            @Override public boolean isSecure() { return original != null && original.isSecure(); }
            @Override public String getAuthenticationScheme() { return "Bearer"; }
        });
    }

    private static void abort(ContainerRequestContext request, int status, String code, String message) {
        Response.ResponseBuilder response = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(status, code, message));
        if (status == 401) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"koomy\"");
        }
        request.abortWith(response.build());
    }
}
