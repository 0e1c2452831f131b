package com.koomy.api.accounts;

import com.koomy.api.http.ApiException;
import jakarta.ws.rs.core.SecurityContext;

/** The signed-in account of a request, or 401. */
public final class CurrentAccount {

    private CurrentAccount() {
    }

    public static AccountPrincipal require(SecurityContext context) {
        if (context != null && context.getUserPrincipal() instanceof AccountPrincipal principal) {
            return principal;
        }
        throw new ApiException(401, "unauthorized", "sign in first: Authorization: Bearer <session token>");
    }
}
