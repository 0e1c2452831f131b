package com.koomy.api;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Checks a call of the tests against the OpenAPI document the API serves (Atlassian's
 * swagger-request-validator): the response must be one the document declares, with its schema, for a
 * request the document allows. A request the document refuses (the tests' deliberate bad input) must be
 * refused by the server too (4xx); its response is then checked like any other.
 */
public final class ContractCheck {

    private static final Map<Integer, OpenApiInteractionValidator> VALIDATORS = new ConcurrentHashMap<>();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ContractCheck() {
    }

    /** The validator of the document served on {@code port} (fetched once per running app). */
    static OpenApiInteractionValidator validator(int port) {
        return VALIDATORS.computeIfAbsent(port, p -> {
            try {
                HttpResponse<String> doc = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + p + "/api/openapi.json"))
                        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
                if (doc.statusCode() != 200) {
                    throw new IllegalStateException("GET /api/openapi.json answered " + doc.statusCode());
                }
                return OpenApiInteractionValidator.createForInlineApiSpecification(doc.body()).build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    /** Throws AssertionError naming every mismatch between this exchange and the document. */
    static void check(int port, String method, String pathAndQuery, Map<String, String> requestHeaders, String requestBody,
                      HttpResponse<String> response) {
        int q = pathAndQuery.indexOf('?');
        SimpleRequest.Builder request = new SimpleRequest.Builder(Request.Method.valueOf(method),
                q < 0 ? pathAndQuery : pathAndQuery.substring(0, q));
        if (q >= 0) {
            for (String pair : pathAndQuery.substring(q + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                request.withQueryParam(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        requestHeaders.forEach(request::withHeader);
        if (requestBody != null && !requestBody.isEmpty()) {
            request.withBody(requestBody);
        }
        SimpleResponse.Builder answer = SimpleResponse.Builder.status(response.statusCode());
        response.headers().map().forEach((name, values) -> answer.withHeader(name, values));
        if (response.body() != null && !response.body().isEmpty()) {
            answer.withBody(response.body());
        }
        ValidationReport report = validator(port).validate(request.build(), answer.build());
        boolean refused = response.statusCode() >= 400 && response.statusCode() < 500;
        List<ValidationReport.Message> mismatches = report.getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .filter(m -> !(refused && m.getKey().startsWith("validation.request")))
                .filter(m -> !nullWhereNullable(m, response.body()))
                .toList();
        if (!mismatches.isEmpty()) {
            throw new AssertionError("The exchange " + method + " " + pathAndQuery + " -> " + response.statusCode()
                    + " does not match the OpenAPI document:\n" + mismatches.stream()
                    .map(m -> "  " + m.getKey() + ": " + m.getMessage()).collect(Collectors.joining("\n"))
                    + "\n  response body: " + abbreviate(response.body()));
        }
    }

    private static final java.util.regex.Pattern POINTER = java.util.regex.Pattern.compile("\\[Path '([^']*)'\\]");

    /**
     * The document writes a nullable object property as {@code allOf: [$ref], nullable: true} (OpenAPI 3.0 has no
     * other way); this validator does not apply {@code nullable} beside {@code allOf}, so a null there is accepted.
     */
    private static boolean nullWhereNullable(ValidationReport.Message message, String body) {
        if (!message.getKey().equals("validation.response.body.schema.allOf") || body == null) {
            return false;
        }
        java.util.regex.Matcher path = POINTER.matcher(message.getMessage());
        try {
            return path.find() && JSON.readTree(body).at(path.group(1)).isNull();
        } catch (IOException e) {
            return false;
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static String abbreviate(String body) {
        return body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }
}
