package com.koomy.api;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

    private static final Map<Integer, java.util.Optional<OpenApiInteractionValidator>> VALIDATORS = new ConcurrentHashMap<>();

    private ContractCheck() {
    }

    /**
     * The validator of the document, read from the copy checked in beside the tests, which OpenApiContractTest
     * proves equal to the served one: fetching it from each app would cost every test app seconds and count
     * against the rate limits some tests measure. Empty for a port that is not the API's (the admin port).
     */
    static java.util.Optional<OpenApiInteractionValidator> validator(int port) {
        return VALIDATORS.computeIfAbsent(0, p -> {
            try {
                String doc = java.nio.file.Files.readString(java.nio.file.Path.of("src/test/resources/openapi/koomy-api.json"));
                return java.util.Optional.of(OpenApiInteractionValidator.createForInlineApiSpecification(doc).build());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Throws AssertionError naming every mismatch between this exchange and the document. */
    public static void check(int port, String method, String pathAndQuery, Map<String, String> requestHeaders, String requestBody,
                      HttpResponse<String> response) {
        java.util.Optional<OpenApiInteractionValidator> validator = validator(port);
        if (validator.isEmpty() || pathAndQuery.startsWith("/api/openapi.")) { // the document does not describe itself
            return;
        }
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
        ValidationReport report = validator.get().validate(request.build(), answer.build());
        if (report.getMessages().stream().anyMatch(m -> m.getKey().equals("validation.request.path.missing"))) {
            return; // not a route of the API (the admin port, a test-only route): OpenApiCoverageTest covers the API's
        }
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
        if (response.statusCode() >= 400) {
            checkCode(method, q < 0 ? pathAndQuery : pathAndQuery.substring(0, q), response);
        }
    }

    /**
     * An error answer's {@code code} must be one its operation declares for that status ({@code x-koomy-codes}:
     * the codes every route answers, and the method's {@code @Refusal}s), so that the document lists every code a
     * client can meet.
     */
    private static void checkCode(String method, String path, HttpResponse<String> response) {
        String code;
        try {
            code = response.body() == null ? null : JSON.readTree(response.body()).path("error").path("code").textValue();
        } catch (IOException notJson) {
            return; // the schema check above names a body that is not the Error shape
        }
        Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> operation = operation(method, path);
        if (code == null || operation == null) {
            return;
        }
        checkCode(method, path, response.statusCode(), code, operation);
    }

    private static void checkCode(String method, String path, int status, String code,
                                  Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> operation) {
        com.fasterxml.jackson.databind.JsonNode declared = operation.getValue().path("responses")
                .path(Integer.toString(status)).path("x-koomy-codes");
        boolean listed = false;
        for (com.fasterxml.jackson.databind.JsonNode c : declared) {
            listed |= c.asText().equals(code);
        }
        if (!declared.isMissingNode() && !listed) {
            throw new AssertionError("The exchange " + method + " " + path + " -> " + status + " " + code
                    + " answers a code its operation " + operation.getKey() + " does not declare for " + status
                    + " (x-koomy-codes " + declared + "): add @Refusal(status = " + status + ", codes = \""
                    + code + "\") to the resource method (or, if every route can answer it, to ErrorCodes), then "
                    + "regenerate the document");
        }
    }

    /**
     * For an answer that came through no HTTP connection (a {@link ResourceTests} call): {@code status} must be a
     * response the operation serving {@code method path} (no query string) declares, and an error's {@code code}
     * (null or empty for none) one of that response's {@code x-koomy-codes}. Bodies are not compared with schemas.
     */
    public static void checkDeclared(String method, String path, int status, String code) {
        Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> operation = operation(method, path);
        if (operation == null) {
            throw new AssertionError(method + " " + path + " is no operation of the OpenAPI document");
        }
        if (operation.getValue().path("responses").path(Integer.toString(status)).isMissingNode()) {
            throw new AssertionError("The exchange " + method + " " + path + " -> " + status + " answers a status its operation "
                    + operation.getKey() + " does not declare (" + operation.getValue().path("responses").properties()
                    .stream().map(Map.Entry::getKey).toList() + ")");
        }
        if (status >= 400 && code != null && !code.isEmpty()) {
            checkCode(method, path, status, code, operation);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode document;

    /** The operation of the document that serves {@code method path} (operationId, operation); null if none. */
    static synchronized Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> operation(String method, String path) {
        try {
            if (document == null) {
                document = JSON.readTree(java.nio.file.Files.readString(java.nio.file.Path.of(
                        "src/test/resources/openapi/koomy-api.json")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> best = null;
        int bestParameters = Integer.MAX_VALUE;
        for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> template : document.path("paths").properties()) {
            String regex = java.util.Arrays.stream(template.getKey().split("\\{[^}]+}", -1))
                    .map(java.util.regex.Pattern::quote).collect(Collectors.joining("[^/]+"));
            com.fasterxml.jackson.databind.JsonNode op = template.getValue().path(method.toLowerCase(java.util.Locale.ROOT));
            int parameters = template.getKey().split("\\{", -1).length - 1;
            if (!op.isMissingNode() && path.matches(regex) && parameters < bestParameters) {
                best = Map.entry(op.path("operationId").asText(), op);
                bestParameters = parameters;
            }
        }
        return best;
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
