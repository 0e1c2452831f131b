package com.koomy.api.http;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a request record: a JSON body with a field the record does not declare is refused with 400
 * {@code unknown_field}, so that a client cannot believe it set a role, an owner or a community id.
 * Dropwizard's ObjectMapper disables FAIL_ON_UNKNOWN_PROPERTIES for every type (and
 * {@code @JsonIgnoreProperties(ignoreUnknown = false)} does not override that), so
 * {@link UnknownFieldsHandler} enforces this annotation instead.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RejectUnknownFields {
}
