package com.koomy.api.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import jakarta.ws.rs.core.Response;

import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads of /api/ops (statistics, alerts) with the operator token, and the traffic the stats tests send. */
final class OpsStatsCalls {

    private final DropwizardAppExtension<ApiConfiguration> app;
    private final String token;

    OpsStatsCalls(DropwizardAppExtension<ApiConfiguration> app, String token) {
        this.app = app;
        this.token = token;
    }

    /** The operator token goes to /api/ops only: elsewhere a bearer is a session token, and this one is none. */
    Response get(String path) {
        var request = app.client().target("http://localhost:" + app.getLocalPort() + path).request();
        return (path.startsWith("/api/ops") || path.equals("/api/health") ? request.header("Authorization", "Bearer " + token) : request).get();
    }

    JsonNode json(String path) {
        try (Response response = get(path)) {
            assertThat(response.getStatus()).as(path).isEqualTo(200);
            return response.readEntity(JsonNode.class);
        }
    }

    JsonNode alert(String name) {
        for (JsonNode alert : json("/api/ops/alerts").get("alerts")) {
            if (alert.get("name").asText().equals(name)) {
                return alert;
            }
        }
        throw new AssertionError("no alert " + name);
    }

    static JsonNode route(JsonNode stats, String route) {
        for (JsonNode r : stats.at("/requests/summary/slowestRoutes")) {
            if (r.get("route").asText().equals(route)) {
                return r;
            }
        }
        return null;
    }

    void calls(String path, int times) {
        CompletableFuture.allOf(IntStream.range(0, times).mapToObj(i -> CompletableFuture.runAsync(() -> {
            try (Response r = get(path)) {
                r.bufferEntity();
            }
        })).toArray(CompletableFuture[]::new)).join();
    }

    void sequential(String path, int times) {
        for (int i = 0; i < times; i++) {
            try (Response r = get(path)) {
                r.bufferEntity();
            }
        }
    }
}
