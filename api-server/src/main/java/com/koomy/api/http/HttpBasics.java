package com.koomy.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.koomy.api.ApiConfiguration;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.validation.Validator;

import java.io.IOException;
import java.util.EnumSet;
import java.util.function.Consumer;

/**
 * What every request meets before a resource: the JSON mapper's rules, the servlet filters that refuse
 * ambiguous paths and oversized bodies, the request log, and JSON for the errors Jetty answers itself.
 */
public final class HttpBasics {

    private HttpBasics() {
    }

    public static void register(ApiConfiguration config, Environment environment) throws IOException {
        json(environment.getObjectMapper(), environment.getValidator(), environment.jersey()::register);

        // Paths that read as more than one are 400 before anything reads them; errors Jetty answers itself are
        // JSON too (docs/security.md, "Authorization").
        environment.servlets().addFilter("unambiguous-paths", new UnambiguousPathFilter(environment.getObjectMapper()))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
        JsonErrorHandler errors = new JsonErrorHandler(environment.getObjectMapper());
        environment.getApplicationContext().setErrorHandler(errors);
        environment.lifecycle().addServerLifecycleListener(server -> server.setErrorHandler(errors));

        apiFilter(environment, "request-log", new RequestLogFilter(
                config.getWarnRequestsOver().toJavaDuration(), config.getSlowRequestsOver().toJavaDuration()));
        // JSON bodies over the limit are 413 before Jackson reads them.
        apiFilter(environment, "json-body-limit", new JsonBodyLimitFilter(
                (int) config.getMaxJsonBody().toBytes(), environment.getObjectMapper()));
    }

    /**
     * The JSON mapper's rules and how Jersey reads request bodies with it: the part of {@link #register} that a
     * resource test over in-memory HTTP (no servlet filters) shares with the app; {@code jersey} registers a provider.
     */
    public static void json(ObjectMapper json, Validator validator, Consumer<Object> jersey) {
        // Instants as ISO-8601 strings ("2026-11-24T02:21:23.717Z"), not epoch numbers.
        json.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        // U+0000 in a string is 400 (PostgreSQL cannot store it).
        json.registerModule(NoNulStrings.module());
        // Request bodies are read strictly: no unknown field, no coercion between text and numbers, every wrong
        // field named at once (docs/api.md, "Errors").
        StrictJsonBodies.strict(json);
        json.addHandler(new UnknownFieldsHandler());
        jersey.accept(new StrictJsonBodies(json, validator));
    }

    /** A servlet filter on every {@code /api} request, after those registered before it. */
    public static void apiFilter(Environment environment, String name, Filter filter) {
        environment.servlets().addFilter(name, filter)
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/api/*");
    }
}
