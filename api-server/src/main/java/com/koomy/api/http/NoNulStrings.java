package com.koomy.api.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;

/**
 * PostgreSQL's text and jsonb cannot hold U+0000: a string carrying one would reach the database and
 * fail there (a 500). Refused while parsing instead, as any other malformed input (400 invalid_json).
 */
public final class NoNulStrings {

    private NoNulStrings() {
    }

    public static SimpleModule module() {
        return new SimpleModule("koomy-no-nul-strings").addDeserializer(String.class, new StringDeserializer() {
            @Override
            public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                String value = super.deserialize(p, ctxt);
                if (value != null && value.indexOf('\u0000') >= 0) {
                    return (String) ctxt.handleWeirdStringValue(String.class, value.replace('\u0000', '?'),
                            "strings may not contain U+0000");
                }
                return value;
            }
        });
    }
}
