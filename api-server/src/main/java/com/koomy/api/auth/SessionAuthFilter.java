package com.koomy.api.auth;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.security.Principal;
import java.util.Optional;
import com.koomy.errors.ApiException;
import com.koomy.api.fastpath.RequestGate;

/**
 * Authentication only: resolves {@code Authorization: Bearer <token>} into the request's principal through
 * {@link AccessGate#authenticate} (a session's account, or the operator token). It decides nothing about
 * access, whatever the path: {@link AccessFeature} does, on the matched resource method. An unknown or
 * expired token is 401 on every route; a session store that cannot be asked, 503. A request a fast path's
 * {@link RequestGate} already authenticated keeps the principal the gate found (one session lookup).
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public class SessionAuthFilter implements ContainerRequestFilter {

    private final AccessGate gate;

    public SessionAuthFilter(AccessGate gate) {
        this.gate = gate;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        Optional<Principal> principal;
        if (request.getProperty(RequestGate.PASSED) instanceof RequestGate.Passed passed) {
            principal = Optional.ofNullable(passed.principal()); // a fast path's gate authenticated this request
        } else {
            try {
                principal = gate.authenticate(request.getHeaderString(HttpHeaders.AUTHORIZATION));
            } catch (ApiException e) {
                request.abortWith(refusal(e));
                return;
            }
        }
        if (principal.isEmpty()) {
            return;
        }
        SecurityContext original = request.getSecurityContext();
        Principal user = principal.get();
        request.setSecurityContext(new SecurityContext() {
            @Override public Principal getUserPrincipal() { return user; }
            @Override public boolean isUserInRole(String role) { return false; }
            @Override public boolean isSecure() { return original != null && original.isSecure(); }
            @Override public String getAuthenticationScheme() { return "Bearer"; }
        });
    }

    /** The JSON error of a refused request; a 401 says how to authenticate. */
    public static Response refusal(ApiException e) {
        Response.ResponseBuilder response = Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(e.toError());
        if (e.status() == 401) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"koomy\"");
        }
        return response.build();
    }
}
