package com.koomy.api.http;

import com.koomy.errors.ApiError;
import io.dropwizard.jersey.setup.JerseyEnvironment;

/**
 * Every exception mapper of the API, in one place: each turns its exception into the one JSON error
 * shape ({@link com.koomy.errors.ApiError}); Jersey picks the mapper of the closest exception type, whatever the order here.
 */
public final class ErrorMappers {

    private ErrorMappers() {
    }

    public static void register(JerseyEnvironment jersey) {
        jersey.register(new ApiExceptionMapper());
        jersey.register(new WebApplicationExceptionMapper());
        jersey.register(new JsonProcessingExceptionMapper());
        jersey.register(new ValidationExceptionMapper());
        jersey.register(new FallbackExceptionMapper());
    }
}
