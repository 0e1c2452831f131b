package com.koomy.api.auth;

import java.security.Principal;

/** A caller that presented the platform operator token ({@code KOOMY_OPS_TOKEN}), e.g. automation. */
public record OperatorPrincipal() implements Principal {

    @Override
    public String getName() {
        return "operator-token";
    }
}
