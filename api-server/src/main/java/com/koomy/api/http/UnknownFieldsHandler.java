package com.koomy.api.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import java.io.IOException;
import java.util.Collection;

/**
 * Turns an unknown JSON field into an error for types marked {@link RejectUnknownFields}; other types
 * keep Dropwizard's lenient default (webhook payloads grow fields we do not read).
 */
public class UnknownFieldsHandler extends DeserializationProblemHandler {

    @Override
    public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                                         Object beanOrClass, String propertyName) throws IOException {
        Class<?> type = beanOrClass instanceof Class<?> c ? c : beanOrClass.getClass();
        if (type.isAnnotationPresent(RejectUnknownFields.class)) {
            Collection<Object> known = deserializer == null ? null : deserializer.getKnownPropertyNames();
            throw UnrecognizedPropertyException.from(p, beanOrClass, propertyName, known);
        }
        return false;
    }
}
