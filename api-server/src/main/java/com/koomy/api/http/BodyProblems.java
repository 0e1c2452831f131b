package com.koomy.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import java.io.IOException;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import com.koomy.errors.ApiException;

/**
 * What is wrong with a request body that did not fit its type, field by field and all at once: each field of
 * the body is read again on its own against the type the request declares for it, and the fields that fit are
 * checked against their constraints (Bean Validation) in the same answer. A field name is the only
 * input echoed, cut to {@value #ECHO} characters; values never are.
 */
final class BodyProblems {

    static final int ECHO = 100;

    private BodyProblems() {
    }

    static ApiException of(ObjectMapper json, Validator validator, Type type, byte[] body, JsonProcessingException first) {
        JsonNode tree;
        try {
            tree = json.readTree(body);
        } catch (IOException e) {
            return notJson();
        }
        JavaType target = json.constructType(type);
        List<Map<String, String>> fields = new ArrayList<>();
        if (tree != null && tree.isObject() && isBean(json, target)) {
            Map<String, JavaType> declared = new LinkedHashMap<>();
            BeanDescription bean = json.getDeserializationConfig().introspect(target);
            for (BeanPropertyDefinition p : bean.findProperties()) {
                if (p.couldDeserialize() || p.hasConstructorParameter()) {
                    declared.put(p.getName(), p.getPrimaryType());
                }
            }
            ObjectNode readable = ((ObjectNode) tree).deepCopy();
            for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JavaType fieldType = declared.get(field.getKey());
                if (fieldType == null) {
                    fields.add(entry(field.getKey(), UNKNOWN));
                    readable.remove(field.getKey());
                    continue;
                }
                try {
                    json.readerFor(fieldType).readValue(json.treeAsTokens(field.getValue()));
                } catch (IOException e) {
                    fields.add(describe(field.getKey(), e));
                    readable.remove(field.getKey());
                }
            }
            if (!fields.isEmpty()) {
                fields.addAll(constraints(json, validator, target, readable, tree));
            }
        }
        if (fields.isEmpty()) {
            if (!(first instanceof JsonMappingException)) {
                return notJson();
            }
            fields.add(describe("", first));
        }
        fields.sort(Comparator.comparing((Map<String, String> f) -> f.get("field")).thenComparing(f -> f.get("message")));
        if (fields.stream().allMatch(f -> UNKNOWN.equals(f.get("message")))) {
            String message = fields.size() == 1 ? "unknown field '" + fields.get(0).get("field") + "' for this endpoint"
                    : fields.size() + " unknown fields for this endpoint: " + summary(fields, false);
            return new ApiException(400, "unknown_field", message, Map.of("fields", fields));
        }
        return new ApiException(400, "validation_failed", summary(fields, true), Map.of("fields", fields));
    }

    /**
     * Bean Validation's answer for the fields that did have their type (those that did not are left out of
     * {@code readable}, and not named twice): a body with a wrong type and a broken constraint names both at once.
     * Nothing when the rest cannot be built (a record that checks its fields together): those come on the next try.
     */
    private static List<Map<String, String>> constraints(ObjectMapper json, Validator validator, JavaType target,
                                                         ObjectNode readable, JsonNode sent) {
        Object bean;
        try {
            bean = json.readerFor(target).readValue(json.treeAsTokens(readable));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        List<Map<String, String>> out = new ArrayList<>();
        for (ConstraintViolation<Object> violation : validator.validate(bean)) {
            String path = violation.getPropertyPath().toString();
            String top = path.split("[.\\[]", 2)[0];
            if (!top.isEmpty() && (readable.has(top) || !sent.has(top))) {
                out.add(entry(path, violation.getMessage()));
            }
        }
        return out;
    }

    /** The fields one after the other, echoing at most {@value #ECHO} characters of field names in all. */
    private static String summary(List<Map<String, String>> fields, boolean withMessages) {
        StringBuilder out = new StringBuilder();
        int echoed = 0;
        int shown = 0;
        for (Map<String, String> f : fields) {
            String name = f.get("field");
            if (shown > 0 && echoed + name.length() > ECHO) {
                break;
            }
            if (shown > 0) {
                out.append(withMessages ? "; " : ", ");
            }
            String cut = name.length() > ECHO ? name.substring(0, ECHO) : name;
            out.append(cut);
            if (withMessages) {
                out.append(' ').append(f.get("message"));
            }
            echoed += cut.length();
            shown++;
        }
        if (shown < fields.size()) {
            out.append(" and ").append(fields.size() - shown).append(" more (details.fields)");
        }
        return out.toString();
    }

    private static final String UNKNOWN = "is not a field of this request";

    private static boolean isBean(ObjectMapper json, JavaType type) {
        return !type.isContainerType() && !type.isPrimitive() && !type.isEnumType() && !JsonNode.class.isAssignableFrom(type.getRawClass())
                && !type.getRawClass().getName().startsWith("java.");
    }

    private static ApiException notJson() {
        return new ApiException(400, "invalid_json", "request body is not valid JSON for this endpoint");
    }

    /** The field (under {@code prefix}) an exception of Jackson's is about, and the type it should have had. */
    static Map<String, String> describe(String prefix, IOException e) {
        StringBuilder field = new StringBuilder(prefix);
        if (e instanceof JsonMappingException mapping) {
            for (JsonMappingException.Reference ref : mapping.getPath()) {
                if (ref.getFieldName() != null) {
                    field.append(field.isEmpty() ? "" : ".").append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    field.append('[').append(ref.getIndex()).append(']');
                }
            }
        }
        String name = field.isEmpty() ? "body" : field.toString();
        if (e instanceof UnrecognizedPropertyException) {
            return entry(name, UNKNOWN);
        }
        if (e.getMessage() != null && e.getMessage().contains("U+0000")) {
            return entry(name, "must not contain the character U+0000");
        }
        if (e instanceof ValueInstantiationException) {
            return entry(name, "is not valid");
        }
        Class<?> expected = e instanceof MismatchedInputException m ? m.getTargetType()
                : e instanceof InputCoercionException c ? c.getTargetType() : null;
        return entry(name, expected(expected));
    }

    /** "must be …" for a Java type, in words a client's developer reads without knowing Java. */
    static String expected(Class<?> type) {
        if (type == null) {
            return "has the wrong type";
        }
        if (CharSequence.class.isAssignableFrom(type) || type == char.class || type == Character.class) {
            return "must be text";
        }
        if (type == int.class || type == long.class || type == short.class || type == Integer.class || type == Long.class
                || type == Short.class || type == BigInteger.class) {
            return "must be a whole number";
        }
        if (type == double.class || type == float.class || type == Double.class || type == Float.class || type == BigDecimal.class) {
            return "must be a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "must be true or false";
        }
        if (type == Instant.class || type == OffsetDateTime.class || type == ZonedDateTime.class) {
            return "must be a date and time such as 2026-05-01T18:30:00Z";
        }
        if (type == LocalDate.class) {
            return "must be a date such as 2026-05-01";
        }
        if (type == LocalTime.class) {
            return "must be a time such as 18:30";
        }
        if (type == UUID.class) {
            return "must be an id such as 3f2b8c1e-5d6a-4b7c-9e0f-1a2b3c4d5e6f";
        }
        if (type.isEnum()) {
            return "must be one of " + Arrays.stream(type.getEnumConstants()).map(Object::toString).collect(Collectors.joining(", "));
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "must be a list";
        }
        return "must be an object";
    }

    private static Map<String, String> entry(String field, String message) {
        String name = field.length() > ECHO ? field.substring(0, ECHO) : field;
        return Map.of("field", name, "message", message);
    }
}
