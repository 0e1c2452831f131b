package com.koomy.api.docs;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Error codes a resource method answers with a status, beyond those every route of its kind answers
 * ({@link ErrorCodes#general}): {@code @Refusal(status = 409, codes = {"event_full", "event_ended"})}.
 * The OpenAPI document lists them on the operation's response for that status ({@code x-koomy-codes} and
 * its description), and the tests fail on an answer whose (status, code) the operation does not declare.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(Refusal.List.class)
public @interface Refusal {

    int status();

    String[] codes();

    /** The container of repeated {@code @Refusal}s. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface List {
        Refusal[] value();
    }
}
