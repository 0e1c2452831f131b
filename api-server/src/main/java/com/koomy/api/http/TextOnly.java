package com.koomy.api.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;

import java.io.IOException;

/**
 * Text, and only text, for the values of a map or list of strings in a request body
 * ({@code @JsonDeserialize(contentUsing = TextOnly.class)}): Jackson turns a number or boolean into text there
 * despite the coercion rules of {@link StrictJsonBodies}. Anything else is refused as "must be text", naming
 * the entry ({@code fields.licence}). A null is refused too (the document says text: "" is how a value is cleared).
 */
public final class TextOnly extends StdDeserializer<String> {

    public TextOnly() {
        super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.hasToken(JsonToken.VALUE_STRING)) {
            return p.getText();
        }
        return (String) ctxt.handleUnexpectedToken(String.class, p);
    }

    @Override
    public String getNullValue(DeserializationContext ctxt) throws JsonMappingException {
        throw MismatchedInputException.from(ctxt.getParser(), String.class, "null where text is expected");
    }
}
