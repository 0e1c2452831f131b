package com.koomy.api.docs;

import com.koomy.api.auth.Access;
import com.koomy.api.auth.AccessGate;
import com.koomy.api.ratelimit.RateLimited;
import com.koomy.db.Page;
import io.swagger.v3.jaxrs2.ext.AbstractOpenAPIExtension;
import io.swagger.v3.jaxrs2.ext.OpenAPIExtension;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.BinarySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import jakarta.ws.rs.Produces;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes every operation an exact contract, from what the resource method declares, so that routes added
 * later are covered without anyone remembering to: an {@code operationId} that is never a generated
 * {@code name_N} (the method's explicit {@code @Operation(operationId)}, else method and feature:
 * {@code createNewsletters}); the success status with its schema instead of {@code default} (the first 2xx
 * named in the description, else 204 for {@code void} and 200); the error statuses the server's filters can
 * answer on that route (400 always, 401/403 when it needs a session, 404 with path parameters, 413 with a
 * body, 429 unless {@code @RateLimited(NONE)}, 503 always) plus every other status the description names,
 * each with the shared {@code Error} schema; {@code Retry-After} on 429 and 503; a schema on every response
 * header; {@code limit} as an integer; binary uploads (an {@code InputStream} body) as
 * {@code image/jpeg}, {@code image/png}, {@code image/webp} or {@code application/octet-stream}.
 */
public class ContractOpenApiExtension extends AbstractOpenAPIExtension {

    private static final Pattern STATUS = Pattern.compile("(?<![\\w.-])([2-5]\\d\\d)(?![\\w-])");
    private static final Set<String> SUCCESS = Set.of("200", "201", "202", "204");
    private static final Set<String> ERRORS = Set.of("400", "401", "402", "403", "404", "409", "410", "412", "413", "415", "422",
            "429", "502", "503");
    private static final Set<String> UPLOAD_HEADERS = Set.of("content-type", "content-length", "expect");

    @Override
    public void decorateOperation(Operation operation, Method method, Iterator<OpenAPIExtension> chain) {
        io.swagger.v3.oas.annotations.Operation declared = method.getAnnotation(io.swagger.v3.oas.annotations.Operation.class);
        if (declared == null || declared.operationId().isBlank()) {
            operation.setOperationId(method.getName() + feature(method.getDeclaringClass()));
        }
        if (upload(method)) {
            describeUpload(operation);
        }
        if (operation.getParameters() != null) {
            for (Parameter parameter : operation.getParameters()) {
                if ("query".equals(parameter.getIn()) && "limit".equals(parameter.getName())) {
                    IntegerSchema limit = new IntegerSchema();
                    if (parameter.getSchema() == null || !"integer".equals(parameter.getSchema().getType())) {
                        // a String parsed by ListParams: 1 to Page.MAX_LIMIT, default 20
                        limit.minimum(BigDecimal.ONE).maximum(BigDecimal.valueOf(Page.MAX_LIMIT));
                    } else if (parameter.getSchema().getDefault() != null) {
                        limit.setDefault(parameter.getSchema().getDefault());
                    }
                    parameter.setSchema(limit);
                }
            }
        }
        describeResponses(operation, method);
        super.decorateOperation(operation, method, chain);
    }

    private static void describeUpload(Operation operation) {
        if (operation.getParameters() != null) {
            operation.getParameters().removeIf(p -> "header".equals(p.getIn())
                    && UPLOAD_HEADERS.contains(p.getName().toLowerCase(java.util.Locale.ROOT)));
        }
        // the types the server accepts (MediaUploadResource), named one by one: "image/*" is a range, not a type to send
        Content content = new Content();
        for (String type : List.of("image/jpeg", "image/png", "image/webp", "application/octet-stream")) {
            content.addMediaType(type, new MediaType().schema(new BinarySchema()));
        }
        operation.setRequestBody(new RequestBody().required(true).description("The image's bytes (JPEG, PNG or WebP; the "
                + "format is read from the bytes)").content(content));
    }

    private static void describeResponses(Operation operation, Method method) {
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        operation.setResponses(responses);
        String description = operation.getDescription() == null ? "" : operation.getDescription();
        Set<String> named = new TreeSet<>();
        Matcher m = STATUS.matcher(description);
        while (m.find()) {
            named.add(m.group(1));
        }
        ApiResponse fallback = responses.remove("default");
        if (responses.keySet().stream().noneMatch(s -> s.startsWith("2"))) {
            String status = named.stream().filter(SUCCESS::contains).findFirst()
                    .orElse(void.class.equals(method.getReturnType()) ? "204" : "200");
            ApiResponse success = fallback != null ? fallback : new ApiResponse();
            if (producesCsv(method) && !"204".equals(status)) {
                // a file (format binary): generated clients save it as is, where a plain string is read as JSON
                success.setContent(new Content().addMediaType("text/csv", new MediaType().schema(new BinarySchema())));
            } else if ("204".equals(status) || jakarta.ws.rs.core.Response.class.equals(method.getReturnType())) {
                // a Response without a declared @ApiResponse: its body is unknown, so none is promised
                success.setContent(null);
            }
            if (success.getDescription() == null || success.getDescription().isBlank() || "default response".equals(success.getDescription())) {
                success.setDescription(operation.getSummary() == null ? "Success" : operation.getSummary());
            }
            responses.addApiResponse(status, success);
        }
        for (ApiResponse response : responses.values()) {
            if (response.getContent() != null) {
                response.getContent().values().forEach(media -> anyJsonValues(media.getSchema()));
            }
        }
        Set<String> errors = new TreeSet<>(named);
        errors.retainAll(ERRORS);
        errors.add("400");
        errors.add("503");
        Access.Who who = AccessGate.declared(method);
        if (who != null && who != Access.Who.ANYONE) {
            errors.add("401");
            errors.add("403");
        }
        if (operation.getParameters() != null && operation.getParameters().stream().anyMatch(p -> "path".equals(p.getIn()))) {
            errors.add("404");
        }
        if (operation.getRequestBody() != null) {
            errors.add("413");
            errors.add("415");
        }
        RateLimited limited = method.getAnnotation(RateLimited.class);
        if (limited == null || !RateLimited.NONE.equals(limited.value())) {
            errors.add("429");
        }
        Map<String, java.util.SortedSet<String>> declared = ErrorCodes.declared(method);
        errors.addAll(declared.keySet());
        Set<String> kinds = new TreeSet<>();
        if (operation.getParameters() != null && operation.getParameters().stream()
                .anyMatch(p -> "query".equals(p.getIn()) && Set.of("cursor", "limit").contains(p.getName()))) {
            kinds.add("paged");
        }
        if (upload(method)) {
            kinds.add("upload");
        }
        if (who == Access.Who.OPERATOR) {
            kinds.add("operator");
        }
        if (operation.getParameters() != null) {
            operation.getParameters().stream().filter(p -> "path".equals(p.getIn()))
                    .filter(p -> Set.of("communityId", "eventId", "accountId").contains(p.getName())).forEach(p -> kinds.add(p.getName()));
        }
        for (String status : errors) {
            ApiResponse response = responses.get(status);
            if (response == null) {
                response = ErrorSchema.response(reason(status));
                responses.addApiResponse(status, response);
            } else if (response.getContent() == null || response.getContent().isEmpty()) {
                response.setContent(ErrorSchema.response("").getContent());
            }
            Set<String> codes = new java.util.LinkedHashSet<>(ErrorCodes.general(status, kinds));
            codes.addAll(declared.getOrDefault(status, new TreeSet<>()));
            // a documented list rather than an enum: one shared Error model in generated clients
            response.addExtension(ErrorCodes.EXTENSION, List.copyOf(codes));
            if (!codes.isEmpty()) {
                String described = response.getDescription() == null || response.getDescription().isBlank()
                        ? reason(status) : response.getDescription();
                response.setDescription(described + (described.endsWith(".") ? "" : ".") + " Codes: "
                        + String.join(", ", codes) + ".");
            }
        }
        for (String status : Set.of("429", "503")) {
            ApiResponse response = responses.get(status);
            if (response != null && (response.getHeaders() == null || !response.getHeaders().containsKey("Retry-After"))) {
                response.addHeaderObject("Retry-After", new Header().description("Seconds to wait before trying again")
                        .schema(new IntegerSchema()));
            }
        }
        for (Map.Entry<String, ApiResponse> entry : responses.entrySet()) {
            ApiResponse response = entry.getValue();
            if (response.getDescription() == null || response.getDescription().isBlank()) {
                response.setDescription(reason(entry.getKey()));
            }
            if (response.getHeaders() != null) {
                for (Map.Entry<String, Header> header : response.getHeaders().entrySet()) {
                    if (header.getValue().getSchema() == null && header.getValue().get$ref() == null) {
                        header.getValue().setSchema(new StringSchema());
                    }
                }
            }
        }
    }

    /** A {@code Map<String, Object>} answer: its values are any JSON, not only objects (swagger's reading of Object). */
    private static void anyJsonValues(io.swagger.v3.oas.models.media.Schema<?> schema) {
        if (schema != null && schema.getProperties() == null && schema.getAdditionalProperties()
                instanceof io.swagger.v3.oas.models.media.Schema<?> values && "object".equals(values.getType())
                && values.getProperties() == null && values.get$ref() == null) {
            schema.setAdditionalProperties(Boolean.TRUE);
        }
    }

    /** A binary upload: an {@code InputStream} body. */
    private static boolean upload(Method method) {
        return Arrays.stream(method.getParameters())
                .anyMatch(p -> InputStream.class.equals(p.getType()) && p.getAnnotations().length == 0);
    }

    private static boolean producesCsv(Method method) {
        Produces produces = method.getAnnotation(Produces.class);
        return produces != null && Arrays.stream(produces.value()).anyMatch(t -> t.startsWith("text/csv"));
    }

    private static String feature(Class<?> resource) {
        String name = resource.getSimpleName();
        return name.endsWith("Resource") ? name.substring(0, name.length() - "Resource".length()) : name;
    }

    private static String reason(String status) {
        return switch (status) {
            case "400" -> "Bad request: invalid input, named in error.details";
            case "401" -> "No valid session (or operator token)";
            case "402" -> "The community's plan limit is reached (plan_limit_reached)";
            case "403" -> "Signed in, but not allowed to do this";
            case "404" -> "Not found, or not visible to the caller";
            case "409" -> "Conflicts with the current state";
            case "410" -> "Gone";
            case "412" -> "Precondition failed";
            case "413" -> "Body too large";
            case "415" -> "Unsupported media type";
            case "422" -> "Well-formed but refused";
            case "429" -> "Rate limited";
            case "502" -> "A provider failed";
            case "200", "201", "202", "204" -> "Success";
            case "304" -> "Not modified";
            default -> "Temporarily unavailable (a dependency is down)";
        };
    }
}
