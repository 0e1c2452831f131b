package com.koomy.api.ratelimit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * This route also counts against the named policy, per client address; with {@code instead}, it counts
 * against that policy per client address and per account instead of {@code perClient} and
 * {@code perAccount} (door routes: every gate of a venue shares one address). {@code prepay}: before the
 * body is read, the signed-in account also pays {@code prepayCost} units of that policy, so that a client
 * sending large bodies over its budget is refused before they are parsed (offline batches).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RateLimited {
    /** The policy name for routes that count against no limit: webhooks (the sender's signature), media blobs. */
    String NONE = "none";

    String value();

    boolean instead() default false;

    String prepay() default "";

    int prepayCost() default 0;
}
