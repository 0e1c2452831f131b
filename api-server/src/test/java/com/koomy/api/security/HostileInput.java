package com.koomy.api.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What InputFuzzTest sends: hostile text for every field and parameter, and broken variants of a valid body. */
final class HostileInput {

    /** SQL metacharacters, template and path tricks, Unicode edge cases (lone surrogates, RTL, ZWJ), 10,000 characters. */
    static final List<String> TEXT = List.of(
            "' OR '1'='1", "'; DROP TABLE accounts; --", "\"; DELETE FROM communities; --", "%", "_", "\\", "\\'",
            "$1", "${jndi:ldap://127.0.0.1/x}", "{{7*7}}", "<script>alert(1)</script>", "../../etc/passwd",
            "\u202Egnp.exe", "e\u0301\u0301\u0301", "\uD83D\uDE00\uD83C\uDFF3\uFE0F\u200D\uD83C\uDF08", "\u200B\u200C\u200D\uFEFF",
            "\uD800", "\uDFFF", "\uFFFF", "Ω≈ç√∫", "   ", "", "x".repeat(10_000));

    private HostileInput() {
    }

    /** Invalid variants of a valid body: each must be refused. */
    static Map<String, String> invalidVariants(JsonNode valid) {
        Map<String, String> variants = new LinkedHashMap<>();
        variants.put("truncated JSON", "{\"a\": ");
        variants.put("not JSON", "name=x&role=owner");
        variants.put("an array", "[]");
        if (!(valid instanceof ObjectNode object)) {
            return variants;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            ObjectNode wrongType = object.deepCopy();
            JsonNode value = field.getValue();
            if (value.isTextual()) {
                wrongType.putObject(field.getKey()).put("nested", 1);
                ObjectNode nul = object.deepCopy();
                nul.put(field.getKey(), "before\u0000after");
                variants.put(field.getKey() + " with U+0000", nul.toString());
            } else if (value.isNumber() || value.isBoolean()) {
                wrongType.put(field.getKey(), "not a " + value.getNodeType().name().toLowerCase(Locale.ROOT));
            } else {
                wrongType.put(field.getKey(), 42);
            }
            variants.put(field.getKey() + " of the wrong type", wrongType.toString());
        }
        return variants;
    }

    static String abbreviate(String text) {
        return text.length() > 30 ? text.substring(0, 30) + "…(" + text.length() + ")" : text;
    }
}
