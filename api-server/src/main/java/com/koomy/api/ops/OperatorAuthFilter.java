package com.koomy.api.ops;

import com.koomy.accounts.AccountDao;
import com.koomy.api.accounts.AccountPrincipal;
import com.koomy.api.accounts.SessionAuthFilter;
import com.koomy.api.http.ApiError;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jdbi.v3.core.Jdbi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Every {@code /api/ops/*} route requires a platform operator: an account flagged by {@code ops/koomy
 * operator grant} signed in with its session token, or, for automation, the operator token from the
 * environment ({@code Authorization: Bearer $KOOMY_OPS_TOKEN}, compared in constant time). Matched
 * on the path before routing, so a new ops resource cannot forget it; runs after
 * {@link com.koomy.api.accounts.SessionAuthFilter}.
 */
@PreMatching
@Priority(Priorities.AUTHORIZATION)
public class OperatorAuthFilter implements ContainerRequestFilter {

    private final byte[] token;
    private final Jdbi jdbi;

    public OperatorAuthFilter(String token, Jdbi jdbi) {
        this.token = token == null ? new byte[0] : token.strip().getBytes(StandardCharsets.UTF_8);
        this.jdbi = jdbi;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!(path.equals("api/ops") || path.startsWith("api/ops/"))) {
            return;
        }
        if (request.getSecurityContext() != null && request.getSecurityContext().getUserPrincipal() instanceof AccountPrincipal account) {
            boolean operator = jdbi.withExtension(AccountDao.class, dao -> dao.find(account.accountId()))
                    .map(a -> a.platformOperator()).orElse(false);
            if (!operator) {
                deny(request, 403, "forbidden", "operator routes are for platform operators");
            }
            return;
        }
        if (token.length == 0) {
            deny(request, 503, "ops_not_configured", "operator routes need an operator account or KOOMY_OPS_TOKEN");
            return;
        }
        java.util.Optional<String> bearer = SessionAuthFilter.bearer(request);
        if (bearer.isEmpty()) {
            deny(request, 401, "unauthorized", "operator routes need Authorization: Bearer <operator token>");
            return;
        }
        byte[] presented = bearer.get().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(presented, token)) {
            deny(request, 401, "unauthorized", "the operator token is not valid");
        }
    }

    private static void deny(ContainerRequestContext request, int status, String code, String message) {
        request.abortWith(Response.status(status)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"koomy-ops\"")
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(status, code, message))
                .build());
    }
}
