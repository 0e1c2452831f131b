package com.koomy.api.docs;

import com.koomy.errors.ApiError;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;

import java.util.List;

/**
 * The one error shape of the API ({@link com.koomy.errors.ApiError}) as OpenAPI schemas:
 * {@code Error} = {@code {"error": ErrorDetail}}, {@code ErrorDetail} = {@code {status, code, message, details}}.
 * Written by hand because {@code ApiError} serialises through a {@code @JsonValue} map that swagger cannot see.
 */
public final class ErrorSchema {

    public static final String NAME = "Error";
    public static final String DETAIL_NAME = "ErrorDetail";
    public static final String REF = "#/components/schemas/" + NAME;

    private ErrorSchema() {
    }

    public static Schema<?> error() {
        return new ObjectSchema()
                .description("Every error answer of the API: 4xx and 5xx, from resources, filters and Jetty alike.")
                .addProperty("error", new Schema<>().$ref("#/components/schemas/" + DETAIL_NAME))
                .required(List.of("error"));
    }

    public static Schema<?> detail() {
        return new ObjectSchema()
                .addProperty("status", new IntegerSchema().format("int32").description("The HTTP status, repeated"))
                .addProperty("code", new StringSchema().description("Stable and machine-readable. Each error response of "
                        + "an operation lists the codes it answers (x-koomy-codes, and its description); invalid_session "
                        + "(401) is a session signed out, revoked or expired, unauthorized (401) no token"))
                .addProperty("message", new StringSchema().description("A sentence for people, in words; it echoes at "
                        + "most 100 characters of the input"))
                .addProperty("details", new ObjectSchema().additionalProperties(true)
                        .addProperty("fields", new ArraySchema().items(new ObjectSchema()
                                .addProperty("field", new StringSchema().description("The field, as the request names it "
                                        + "(nested: a.b, lists: a[0])"))
                                .addProperty("message", new StringSchema().description("What is wrong with it, e.g. "
                                        + "\"must be a whole number\" or \"is not a field of this request\""))
                                .required(List.of("field", "message")))
                                .description("Every invalid field of the request at once (400 validation_failed, unknown_field "
                                        + "and the invalid_<field> codes)"))
                        .description("Where it helps fix the request"))
                .required(List.of("status", "code", "message"));
    }

    /** A response answering the {@code Error} schema as JSON. */
    public static ApiResponse response(String description) {
        return new ApiResponse().description(description).content(new Content().addMediaType(
                jakarta.ws.rs.core.MediaType.APPLICATION_JSON, new MediaType().schema(new Schema<>().$ref(REF))));
    }
}
