package com.koomy.api.http;

import io.dropwizard.jersey.validation.JerseyViolationException;
import jakarta.validation.ConstraintViolation;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

import java.util.stream.Collectors;

/** Bean Validation failures on input: 422 naming each invalid field. */
public class ValidationExceptionMapper implements ExceptionMapper<JerseyViolationException> {
    @Override
    public Response toResponse(JerseyViolationException e) {
        String message = e.getConstraintViolations().stream()
                .map(ValidationExceptionMapper::describe)
                .sorted()
                .collect(Collectors.joining("; "));
        return ErrorResponses.of(new ApiError(422, "invalid_request", message));
    }

    private static String describe(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        int dot = path.lastIndexOf('.');
        return (dot >= 0 ? path.substring(dot + 1) : path) + " " + violation.getMessage();
    }
}
