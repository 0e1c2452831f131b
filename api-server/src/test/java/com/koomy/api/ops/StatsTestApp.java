package com.koomy.api.ops;

import com.koomy.api.ApiConfiguration;
import com.koomy.api.KoomyApiApplication;
import io.dropwizard.core.setup.Environment;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jdbi.v3.core.Jdbi;

import java.util.Map;

/** The API with test-only routes that provoke what the statistics and alerts must see. */
public class StatsTestApp extends KoomyApiApplication {

    @Override
    protected void addRoutes(ApiConfiguration config, Environment environment, Jdbi jdbi) {
        environment.jersey().register(new TestRoutes(jdbi));
    }

    @Path("/api/test")
    @com.koomy.api.auth.Access(com.koomy.api.auth.Access.Who.ANYONE)
    @Produces(MediaType.APPLICATION_JSON)
    public static class TestRoutes {

        private final Jdbi jdbi;

        TestRoutes(Jdbi jdbi) {
            this.jdbi = jdbi;
        }

        @GET
        @Path("/ok")
        public Map<String, String> ok() {
            return Map.of("ok", "yes");
        }

        @GET
        @Path("/items/{id}")
        public Map<String, String> item(@PathParam("id") String id) {
            return Map.of("id", id);
        }

        @GET
        @Path("/slow")
        public Map<String, Long> slow(@QueryParam("ms") long ms) throws InterruptedException {
            Thread.sleep(ms);
            return Map.of("slept", ms);
        }

        @GET
        @Path("/fail")
        public Map<String, String> fail() {
            throw new IllegalStateException("provoked failure for the statistics test");
        }

        /** Holds a connection of the application's pool for {@code ms} milliseconds. */
        @GET
        @Path("/db-sleep")
        public Map<String, Long> dbSleep(@QueryParam("ms") long ms) {
            jdbi.useHandle(h -> h.execute("SELECT pg_sleep(?)", ms / 1000.0));
            return Map.of("slept", ms);
        }
    }
}
