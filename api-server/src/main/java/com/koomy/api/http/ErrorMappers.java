package com.koomy.api.http;

import com.koomy.errors.ApiError;

import java.util.function.Consumer;

/**
 * Every exception mapper of the API, in one place: each turns its exception into the one JSON error
 * shape ({@link com.koomy.errors.ApiError}); Jersey picks the mapper of the closest exception type, whatever the order here.
 */
public final class ErrorMappers {

    private ErrorMappers() {
    }

    /** {@code jersey}: the app's {@code environment.jersey()::register}, or a resource test's {@code addProvider}. */
    public static void register(Consumer<Object> jersey) {
        jersey.accept(new ApiExceptionMapper());
        jersey.accept(new WebApplicationExceptionMapper());
        jersey.accept(new JsonProcessingExceptionMapper());
        jersey.accept(new ValidationExceptionMapper());
        jersey.accept(new FallbackExceptionMapper());
    }
}
