package com.koomy.api.memberships;

import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The member-field calls the tests of issue 21 make, and what they read back from the database. */
final class MemberFieldCalls {

    static final List<Map<String, Object>> FIELDS = List.of(
            field("licence", "Licence number", "text", null, true, "admins"),
            field("level", "Level", "choice", List.of("Beginner", "Club", "Competition"), false, "members"),
            field("birth_date", "Birth date", "date", null, false, "admins"),
            field("emergency_phone", "Emergency phone", "phone", null, false, "admins"));

    private final ApiCalls api;
    private final TestDatabase db;

    MemberFieldCalls(ApiCalls api, TestDatabase db) {
        this.api = api;
        this.db = db;
    }

    static Map<String, Object> field(String key, String label, String type, List<String> choices, Boolean required,
                                     String visibility) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("key", key);
        f.put("label", label);
        f.put("type", type);
        if (choices != null) {
            f.put("choices", choices);
        }
        if (required != null) {
            f.put("required", required);
        }
        if (visibility != null) {
            f.put("visibility", visibility);
        }
        return f;
    }

    ApiReply put(UUID community, User caller, Object fields) {
        return api.call("PUT", "/api/communities/" + community + "/member-fields", caller == null ? null : caller.token(),
                fields instanceof String s ? s : Map.of("fields", fields));
    }

    ApiReply get(UUID community, User caller) {
        return api.get("/api/communities/" + community + "/member-fields", caller == null ? null : caller.token());
    }

    ApiReply join(UUID community, User user, Map<String, ?> fields) {
        return api.call("POST", "/api/communities/" + community + "/join", user.token(),
                fields == null ? null : Map.of("fields", fields));
    }

    ApiReply patchMe(UUID community, User user, Object fields) {
        return api.call("PATCH", "/api/communities/" + community + "/members/me", user == null ? null : user.token(),
                fields instanceof String s ? s : Map.of("fields", fields));
    }

    /** The membership's status and values, or "none". */
    String stored(UUID community, User user) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT status || ' ' || fields::text FROM memberships WHERE community_id = :c AND account_id = :a")
                .bind("c", community).bind("a", user.id()).mapTo(String.class).findOne().orElse("none"));
    }

    /** The fields a 400 names. */
    static List<String> problems(ApiReply reply) {
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        reply.body().at("/error/details/fields").forEach(f -> fields.add(f.get("field").asText()));
        return fields;
    }

    /** A map that may hold nulls. */
    static Map<String, Object> mapOf(Object... keysAndValues) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
