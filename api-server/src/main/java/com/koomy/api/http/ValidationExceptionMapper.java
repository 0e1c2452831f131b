package com.koomy.api.http;

import com.koomy.errors.ApiError;
import io.dropwizard.jersey.validation.JerseyViolationException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
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

    /**
     * The field as the client wrote it: the path inside the body ({@code scans[0].qr}, {@code fields[2].key}) after
     * the resource method and its parameter; the last name when nothing is left (a parameter itself).
     */
    static String field(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        int skip = 0;
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getKind() != ElementKind.METHOD && node.getKind() != ElementKind.PARAMETER) {
                break;
            }
            skip += node.getName().length() + 1;
        }
        if (skip > 0 && skip < path.length()) {
            return path.substring(skip);
        }
        int dot = path.lastIndexOf('.');
        return dot >= 0 ? path.substring(dot + 1) : path;
    }
}
