package com.koomy.events;


import java.util.List;
import java.util.Map;
import java.util.Optional;
import com.koomy.errors.ApiException;

/** The refusals of events, registrations and check-ins, named once. */
public final class EventErrors {

    private EventErrors() {
    }

    public static ApiException notFound() {
        return new ApiException(404, "event_not_found", "no such event");
    }

    public static ApiException ticketNotFound() {
        return new ApiException(404, "ticket_not_found", "no such ticket at this event");
    }

    public static ApiException cancelled() {
        return new ApiException(409, "event_cancelled", "this event is cancelled");
    }

    /**
     * A value no event can have, or two that do not fit together: 400 validation_failed with the field in
     * {@code details.fields}, as Bean Validation answers.
     */
    public static ApiException invalid(String field, String message) {
        return ApiException.invalidField(field, message);
    }

    /** 400 validation_failed naming every field (of {@code values}, by name) that is missing, all at once. */
    static void requireAll(Map<String, Optional<?>> values) {
        List<Map<String, String>> missing = values.entrySet().stream().filter(e -> e.getValue().isEmpty())
                .map(e -> Map.of("field", e.getKey(), "message", "is required")).sorted(java.util.Comparator.comparing(m -> m.get("field"))).toList();
        if (!missing.isEmpty()) {
            throw ApiException.invalidFields(400, "validation_failed", missing);
        }
    }
}
