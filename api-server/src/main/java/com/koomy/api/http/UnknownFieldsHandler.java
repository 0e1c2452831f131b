package com.koomy.api.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import java.io.IOException;
import java.util.Collection;

/**
 * Turns an unknown JSON field of a request body into an error (400 {@code unknown_field}), so that a client
 * cannot believe it set a role, an owner or {@code platformOperator}. Dropwizard's ObjectMapper ignores
 * unknown fields for every type, and {@code @JsonIgnoreProperties(ignoreUnknown = false)} does not override
 * that; this applies while {@link StrictJsonBodies} reads a body, to every type in it. Other JSON the
 * process reads (webhook payloads, its own cache) keeps the lenient default.
 */
public class UnknownFieldsHandler extends DeserializationProblemHandler {

    @Override
    public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                                         Object beanOrClass, String propertyName) throws IOException {
        if (StrictJsonBodies.readingRequestBody()) {
            Collection<Object> known = deserializer == null ? null : deserializer.getKnownPropertyNames();
            throw UnrecognizedPropertyException.from(p, beanOrClass, propertyName, known);
        }
        return false;
    }
}
