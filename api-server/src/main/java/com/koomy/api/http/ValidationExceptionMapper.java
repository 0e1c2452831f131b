package com.koomy.api.http;

import com.koomy.errors.ApiError;
import io.dropwizard.jersey.validation.JerseyViolationException;
import jakarta.validation.ConstraintViolation;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Bean Validation failures on input: 400 {@code validation_failed}, each invalid field in details. */
public class ValidationExceptionMapper implements ExceptionMapper<JerseyViolationException> {
    @Override
    public Response toResponse(JerseyViolationException e) {
        List<Map<String, String>> fields = e.getConstraintViolations().stream()
                .map(v -> Map.of("field", field(v), "message", v.getMessage()))
                .sorted(Comparator.comparing((Map<String, String> f) -> f.get("field")).thenComparing(f -> f.get("message")))
                .toList();
        String message = fields.stream().map(f -> f.get("field") + " " + f.get("message")).collect(Collectors.joining("; "));
        return ErrorResponses.of(new ApiError(400, "validation_failed", message, Map.of("fields", fields)));
    }

    private static String field(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        int dot = path.lastIndexOf('.');
        return dot >= 0 ? path.substring(dot + 1) : path;
    }
}
