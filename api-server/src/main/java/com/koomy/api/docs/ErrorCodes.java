package com.koomy.api.docs;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code code} values each operation answers, per status: those the server's filters and exception
 * mappers give any route (by status; the list ones with a cursor or limit) and those the resource method
 * declares with {@link Refusal}. Published as {@code x-koomy-codes} on each error response of the document.
 */
public final class ErrorCodes {

    /** The response extension listing an error response's codes. */
    public static final String EXTENSION = "x-koomy-codes";

    private static final Map<String, List<String>> GENERAL = Map.of(
            // Bean Validation, Jackson, Jersey's own refusals, the path filter
            "400", List.of("validation_failed", "invalid_json", "unknown_field", "bad_request", "ambiguous_path"),
            "401", List.of("unauthorized", "invalid_session"),
            "403", List.of("forbidden"),
            "404", List.of("not_found"),
            "413", List.of("payload_too_large"),
            "415", List.of("unsupported_media_type"),
            "429", List.of("rate_limited"),
            // the fallback mapper (database, Redis), the session store and the rate limiter when Redis fails
            "503", List.of("unavailable", "database_unavailable", "database_busy", "redis_unavailable",
                    "sessions_unavailable", "rate_limit_unavailable"));

    private ErrorCodes() {
    }

    /** What a kind of route adds: a list's paging, an upload's body and image (UploadBody, ImageRefusedException), the operators' gate, a community, event or member in its path. */
    private static final Map<String, Map<String, List<String>>> BY_KIND = Map.of(
            "paged", Map.of("400", List.of("invalid_cursor", "invalid_limit")),
            "upload", Map.of("400", List.of("empty_body", "incomplete_body"), "415", List.of("unsupported_image_type"),
                    "422", List.of("image_too_large", "invalid_image"),
                    "503", List.of("upload_storage_unavailable", "media_busy", "storage_unavailable")),
            "operator", Map.of("503", List.of("ops_not_configured")),
            // the one answer for an unknown community or event and one the caller may not see (Communities, EventErrors)
            "communityId", Map.of("404", List.of("community_not_found")),
            "eventId", Map.of("404", List.of("event_not_found", "community_not_found")),
            "accountId", Map.of("404", List.of("member_not_found")));

    /** The codes any route answers with {@code status}, and those its kinds add ({@code paged}, {@code upload}, {@code operator}, {@code communityId}, {@code eventId}, {@code accountId}). */
    public static List<String> general(String status, Set<String> kinds) {
        List<String> codes = new java.util.ArrayList<>(GENERAL.getOrDefault(status, List.of()));
        for (String kind : kinds) {
            codes.addAll(BY_KIND.get(kind).getOrDefault(status, List.of()));
        }
        return codes;
    }

    /** What {@code method} declares with {@link Refusal}, by status. */
    public static SortedMap<String, SortedSet<String>> declared(Method method) {
        SortedMap<String, SortedSet<String>> codes = new TreeMap<>();
        for (Refusal refusal : method.getAnnotationsByType(Refusal.class)) {
            codes.computeIfAbsent(Integer.toString(refusal.status()), s -> new TreeSet<>()).addAll(Set.of(refusal.codes()));
        }
        return codes;
    }
}
