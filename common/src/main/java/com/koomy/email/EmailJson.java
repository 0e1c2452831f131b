package com.koomy.email;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.jackson.Jackson;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON columns of {@code emails}: recipients and template variables. */
final class EmailJson {

    private static final ObjectMapper MAPPER = Jackson.newObjectMapper();
    private static final TypeReference<List<Map<String, String>>> RECIPIENTS = new TypeReference<>() { };
    private static final TypeReference<LinkedHashMap<String, Object>> VARIABLES = new TypeReference<>() { };

    private EmailJson() {
    }

    static String recipients(List<Recipient> recipients) {
        return write(recipients.stream().map(r -> {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("email", r.email());
            if (r.name() != null) {
                m.put("name", r.name());
            }
            return m;
        }).toList());
    }

    static List<Recipient> recipients(String json) {
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.readValue(json, RECIPIENTS).stream().map(m -> new Recipient(m.get("email"), m.get("name"))).toList();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("emails.recipients is not a list of recipients", e);
        }
    }

    static String variables(Map<String, Object> variables) {
        return write(variables);
    }

    static Map<String, Object> variables(String json) {
        try {
            return MAPPER.readValue(json, VARIABLES);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("emails.variables is not a JSON object", e);
        }
    }

    private static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new InvalidEmailException("invalid_variables", "email variables must be JSON values: " + e.getOriginalMessage());
        }
    }
}
