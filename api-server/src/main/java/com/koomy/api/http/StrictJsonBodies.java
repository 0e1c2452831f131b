package com.koomy.api.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import jakarta.validation.Validator;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Request bodies are read strictly: a field the request type does not declare is refused
 * ({@link UnknownFieldsHandler}, for every body Jersey reads, while other JSON the process reads keeps
 * Dropwizard's lenient default), no value changes type on the way in (a number is not text, text is not a
 * number, 1.5 is not a whole number), and when the body does not fit its type every field that is wrong is
 * named at once ({@link BodyProblems}), with the type it should have, together with the constraints the
 * other fields break.
 */
public final class StrictJsonBodies implements ReaderInterceptor {

    private static final ThreadLocal<Boolean> READING = new ThreadLocal<>();

    private final ObjectMapper json;
    private final Validator validator;

    public StrictJsonBodies(ObjectMapper json, Validator validator) {
        this.json = json;
        this.validator = validator;
    }

    /** No coercion between text, numbers and booleans, on {@code json} (what we write, we read back unchanged). */
    public static void strict(ObjectMapper json) {
        json.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        json.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        for (LogicalType number : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            json.coercionConfigFor(number)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        json.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        json.registerModule(datesAsTextOnly());
    }

    /**
     * Dates and times of a request body are text only: java.time's deserializers also take a number (seconds or
     * days since 1970), which no client means. Other JSON the process reads is left as it is.
     */
    public static com.fasterxml.jackson.databind.Module datesAsTextOnly() {
        return new com.fasterxml.jackson.databind.module.SimpleModule("koomy-dates-as-text").setDeserializerModifier(
                new com.fasterxml.jackson.databind.deser.BeanDeserializerModifier() {
                    @Override
                    public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription description,
                                                                  JsonDeserializer<?> deserializer) {
                        return description.getBeanClass().getName().startsWith("java.time.") ? new TextOnly(deserializer)
                                : deserializer;
                    }
                });
    }

    private static final class TextOnly extends DelegatingDeserializer {
        TextOnly(JsonDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
            return new TextOnly(delegate);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (readingRequestBody() && !p.hasToken(JsonToken.VALUE_STRING)) {
                return ctxt.handleUnexpectedToken(handledType(), p);
            }
            return super.deserialize(p, ctxt);
        }
    }

    /** Whether the current thread is reading a request body (unknown fields are then refused). */
    static boolean readingRequestBody() {
        return READING.get() != null;
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        MediaType type = context.getMediaType();
        if (type == null || !type.isCompatible(MediaType.APPLICATION_JSON_TYPE) || context.getType() == String.class
                || context.getType() == byte[].class) {
            return context.proceed();
        }
        // Bodies are small (JsonBodyLimitFilter): kept, to name every wrong field if the first one fails.
        byte[] body = context.getInputStream().readAllBytes();
        context.setInputStream(new ByteArrayInputStream(body));
        READING.set(Boolean.TRUE);
        try {
            return context.proceed();
        } catch (JsonProcessingException e) {
            throw BodyProblems.of(json, validator, context.getGenericType(), body, e);
        } finally {
            READING.remove();
        }
    }
}
