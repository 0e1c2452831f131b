package com.koomy.api;

import com.koomy.testing.ApiHttp;
import com.koomy.testing.ApiReply;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.glassfish.jersey.client.ClientProperties;

import java.util.HashMap;

/**
 * Calls to the resource of a {@link ResourceTests}, over in-memory HTTP, with one caller's credentials (none, a
 * session token or the operator token); each answer read as an {@link ApiReply}.
 */
public final class ResourceCaller {

    private final ResourceExtension resource;
    private final String token;

    ResourceCaller(ResourceExtension resource, String token) {
        this.resource = resource;
        this.token = token;
    }

    public ApiReply get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    public ApiReply post(String path, Object body) {
        return send("POST", path, body);
    }

    public ApiReply put(String path, Object body) {
        return send("PUT", path, body);
    }

    public ApiReply patch(String path, Object body) {
        return send("PATCH", path, body);
    }

    public ApiReply delete(String path) {
        return send("DELETE", path, null);
    }

    /**
     * {@code body}: a JSON text as it is (to send what no record would write: unknown fields, wrong types), anything
     * else as its JSON, null for none; {@code headers}: name, value, ...
     */
    public ApiReply send(String method, String path, Object body, String... headers) {
        return send(method, path, body == null ? null : Entity.entity(ApiHttp.json(body), MediaType.APPLICATION_JSON_TYPE),
                headers);
    }

    /** A body of any type ({@code Entity.text(...)}, a form). */
    public ApiReply send(String method, String path, Entity<?> body, String... headers) {
        Invocation.Builder request = request(path, headers);
        return ApiCalls.reply(body == null ? request.method(method) : request.method(method, body));
    }

    /** A GET whose answer is not JSON (a CSV export): read as text, with its headers. */
    public Text text(String path, String... headers) {
        try (Response response = request(path, headers).get()) {
            return new Text(response.getStatus(), java.net.http.HttpHeaders.of(new HashMap<>(response.getStringHeaders()), (name, value) -> true),
                    response.readEntity(String.class));
        }
    }

    /** An answer read as text: its status, headers and body. */
    public record Text(int status, java.net.http.HttpHeaders headers, String body) {
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private Invocation.Builder request(String path, String... headers) {
        // the path keeps its query string as written (WebTarget#path would escape the '?')
        String base = resource.target("").getUri().toString();
        Invocation.Builder request = resource.client().target(base.replaceAll("/$", "") + path).request()
                .property(ClientProperties.SUPPRESS_HTTP_COMPLIANCE_VALIDATION, true); // DELETE /api/me has a body
        if (token != null) {
            request.header(HttpHeaders.AUTHORIZATION, "Bearer " + token);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request;
    }
}
