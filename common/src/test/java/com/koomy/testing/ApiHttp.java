package com.koomy.testing;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * HTTP calls to an API as a client makes them (java.net.http, which speaks PATCH), for every test that talks to
 * a running API over the network: in-process ({@code DropwizardAppExtension}) or a separate process.
 * api-server's {@code ApiCalls} adds the OpenAPI contract check and accounts on top.
 */
public final class ApiHttp {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ApiHttp() {
    }

    /** {@code body} as JSON (null: none; a String: sent as it is), {@code token} as a Bearer token (null: signed out). */
    public static ApiReply call(String baseUrl, String method, String path, String token, Object body) {
        return reply(send(request(baseUrl, method, path, token, body)), false);
    }

    /** The same to an API on 127.0.0.1:{@code port}. */
    public static ApiReply call(int port, String method, String path, String token, Object body) {
        return call("http://127.0.0.1:" + port, method, path, token, body);
    }

    /** A JSON request, to adapt (headers) before {@link #send}. */
    public static HttpRequest.Builder request(String baseUrl, String method, String path, String token, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    public static String json(Object body) {
        try {
            return body instanceof String s ? s : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends {@code request}, once more if the client had picked a kept-alive connection that Jetty had just
     * closed (after an answer that left part of a request body unread, a refused upload): nothing reached the
     * server then, so sending again is safe.
     */
    public static HttpResponse<String> send(HttpRequest.Builder request) {
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** {@link #send(HttpRequest.Builder)} with the body read by {@code body} (bytes of a download). */
    public static <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        try {
            try {
                return HTTP.send(request.build(), body);
            } catch (IOException stale) {
                if (!String.valueOf(stale.getMessage()).contains("received no bytes")) {
                    throw stale;
                }
                return HTTP.send(request.build(), body);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The reply to {@code response}: its body read as JSON (an empty object for none); a body that is no JSON
     * (CSV, images) fails unless {@code textIfNotJson}, which keeps it as {@code {"text": ...}}.
     */
    public static ApiReply reply(HttpResponse<String> response, boolean textIfNotJson) {
        String text = response.body();
        if (text == null || text.isEmpty()) {
            return new ApiReply(response.statusCode(), JSON.createObjectNode(), response.headers());
        }
        try {
            return new ApiReply(response.statusCode(), JSON.readTree(text), response.headers());
        } catch (IOException notJson) {
            if (!textIfNotJson) {
                throw new UncheckedIOException(response.statusCode() + " with a body that is no JSON: " + text, notJson);
            }
            return new ApiReply(response.statusCode(), JSON.createObjectNode().put("text", text), response.headers());
        }
    }
}
