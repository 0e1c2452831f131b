package com.koomy.api.accounts;

import jakarta.ws.rs.core.SecurityContext;
import com.koomy.errors.ApiException;

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
