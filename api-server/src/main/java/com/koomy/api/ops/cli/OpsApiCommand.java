package com.koomy.api.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.api.ApiConfiguration;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.jackson.Jackson;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A command that calls the running API with the configuration it was started with: the address of its first
 * application connector on loopback (or {@code --url}) and, for {@code /api/ops/*}, the operators' token
 * ({@code opsToken}). {@code ops/koomy outbox}, {@code stripe-replay} and {@code send-event} are thin calls to
 * these, so the JSON is read by Jackson, not by sed.
 */
abstract class OpsApiCommand extends ConfiguredCommand<ApiConfiguration> {

    static final ObjectMapper JSON = Jackson.newObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    OpsApiCommand(String name, String description) {
        super(name, description);
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("--url").help("the API's base URL (default: http://127.0.0.1:<its configured port>)");
        super.configure(subparser);
    }

    /** A refusal or an unreachable API is a message for the operator, not a stack trace. */
    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        cli.getStdErr().println("error: " + e.getMessage());
    }

    /** The API's base URL: {@code --url}, else loopback and the configured port of the first application connector. */
    static String baseUrl(Namespace namespace, ApiConfiguration config) {
        String url = namespace.getString("url");
        if (url != null) {
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }
        if (config.getServerFactory() instanceof DefaultServerFactory server
                && !server.getApplicationConnectors().isEmpty()
                && server.getApplicationConnectors().get(0) instanceof HttpConnectorFactory http) {
            return "http://127.0.0.1:" + http.getPort();
        }
        throw new IllegalArgumentException("no HTTP application connector in the configuration: give --url");
    }

    /** A request to {@code path} carrying the operators' token; the caller adds method and body. */
    static HttpRequest.Builder opsRequest(String base, ApiConfiguration config, String path) {
        if (config.getOpsToken() == null || config.getOpsToken().isBlank()) {
            throw new IllegalArgumentException("opsToken is empty (KOOMY_OPS_TOKEN): the /api/ops routes answer 503");
        }
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + config.getOpsToken()).header("Accept", "application/json");
    }

    /** Sends, and returns the body read as JSON; an error status becomes an exception with the API's message. */
    static JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            throw new IOException("the API does not answer at " + request.uri() + " (is the stack up? ops/koomy status)", e);
        }
        JsonNode body = response.body().isBlank() ? JSON.nullNode() : readOrText(response.body());
        if (response.statusCode() >= 400) {
            JsonNode error = body.path("error");
            throw new IOException(request.method() + " " + request.uri().getPath() + " answered " + response.statusCode()
                    + (error.isMissingNode() ? " " + response.body() : " " + error.path("code").asText() + ": " + error.path("message").asText()));
        }
        return body;
    }

    private static JsonNode readOrText(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(body);
        }
    }
}
