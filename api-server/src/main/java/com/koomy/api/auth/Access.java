package com.koomy.api.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Who may call a resource method, declared on the method (or on its class for all of its methods). Read
 * by {@link AccessFeature} after Jersey matched the request, never from the request's path; a resource
 * method without it is refused to everyone. The same declaration is what the OpenAPI document publishes
 * ({@code security} and {@code x-koomy-access}) and what the fast paths that answer before Jersey check,
 * through {@link AccessGate}.
 *
 * <p>The levels a gate decides alone are {@link Who#ANYONE}, {@link Who#ACCOUNT} and {@link Who#OPERATOR}.
 * The community levels ({@link Who#MEMBER}, {@link Who#DOOR_STAFF}, {@link Who#MANAGER}, {@link Who#OWNER})
 * need a signed-in account here, and the community's own check decides the role on the rows it loads in the
 * transaction that acts (a role taken away meanwhile cannot slip between a check and the write).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Access {

    Who value();

    enum Who {
        /** Anyone, signed in or not (a signature or an emailed token may be the credential). */
        ANYONE,
        /** Any signed-in account. */
        ACCOUNT,
        /** An active member of the community (or the holder of their own object). */
        MEMBER,
        /** Door staff of the event, or an owner or admin of its community. */
        DOOR_STAFF,
        /** An owner or admin of the community. */
        MANAGER,
        /** An owner of the community. */
        OWNER,
        /** A platform operator: an account flagged by {@code ops/koomy operator grant}, or the operator token. */
        OPERATOR;

        /** The name published in the OpenAPI document ({@code x-koomy-access}). */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }
}
