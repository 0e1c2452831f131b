package com.koomy.errors;

import java.util.List;
import java.util.Map;

/**
 * The one refusal of the code base: an HTTP status, a stable machine-readable code, a sentence for
 * people and, where it helps a client fix its request, details (for example the invalid fields). Thrown
 * by the domain (common) and the API alike, before anything is written or inside the transaction it
 * rolls back; the API answers it as an {@link ApiError}. {@code retryAfterSeconds} above 0 becomes a
 * {@code Retry-After} header (rate limits, a busy Stripe). {@code cause} is for the logs, never shown.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final Map<String, ?> details;
    private final long retryAfterSeconds;

    public ApiException(int status, String code, String message) {
        this(status, code, message, null, 0, null);
    }

    public ApiException(int status, String code, String message, Map<String, ?> details) {
        this(status, code, message, details, 0, null);
    }

    public ApiException(int status, String code, String message, Map<String, ?> details, long retryAfterSeconds,
                        Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
        this.details = details;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A refusal the client may try again after {@code retryAfterSeconds} (429, 503). */
    public static ApiException retryLater(int status, String code, String message, long retryAfterSeconds) {
        return new ApiException(status, code, message, null, retryAfterSeconds, null);
    }

    /** 400 {@code validation_failed} for one field, in the same shape as Bean Validation's answers. */
    public static ApiException invalidField(String field, String message) {
        return invalidField("validation_failed", field, message);
    }

    /**
     * 400 with its own {@code code} for one field ({@code message} without the field's name, "must be …"):
     * the message is "field message", and {@code details.fields} names the field as Bean Validation does.
     * {@code field} is the JSON field of the body, or the query parameter or header, the client sent.
     */
    public static ApiException invalidField(String code, String field, String message) {
        return invalidField(400, code, field, message);
    }

    /** {@link #invalidField(String, String, String)} with another status (422: valid alone, refused here). */
    public static ApiException invalidField(int status, String code, String field, String message) {
        return invalidFields(status, code, List.of(Map.of("field", field, "message", message)));
    }

    /**
     * Several fields at once, each {@code {"field": …, "message": …}}: the message names the first three
     * ("a must …; b must …") and counts the others, which {@code details.fields} lists in full.
     */
    public static ApiException invalidFields(int status, String code, List<Map<String, String>> fields) {
        StringBuilder message = new StringBuilder();
        for (Map<String, String> f : fields.subList(0, Math.min(3, fields.size()))) {
            message.append(message.isEmpty() ? "" : "; ").append(f.get("field")).append(' ').append(f.get("message"));
        }
        if (fields.size() > 3) {
            message.append(" and ").append(fields.size() - 3).append(" more (details.fields)");
        }
        return new ApiException(status, code, message.toString(), Map.of("fields", List.copyOf(fields)));
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Null when there is nothing more to say than the message. */
    public Map<String, ?> details() {
        return details;
    }

    /** Seconds for a {@code Retry-After} header; 0: none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public ApiError toError() {
        return new ApiError(status, code, getMessage(), details);
    }
}
